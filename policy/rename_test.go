package policy_test

import (
	"testing"

	"github.com/trustgate/trustgate/policy"
)

// Note 53: a deleted principal is renamed to its unique id where it is a
// principal, alone or in a list, and nowhere else.
func TestRenamePrincipal(t *testing.T) {
	const alice = "arn:aws:iam::111111111111:user/alice"
	for _, c := range []struct{ name, doc, want string }{
		{"alone",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}`,
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"AIDAALICE"},"Action":"sts:AssumeRole"}]}`},
		{"in a list, spaced as written",
			"{\"Statement\": [{\"Principal\": {\"AWS\": [ \"arn:aws:iam::111111111111:root\",\n \"arn:aws:iam::111111111111:user/alice\" ]}}]}",
			"{\"Statement\": [{\"Principal\": {\"AWS\": [ \"arn:aws:iam::111111111111:root\",\n \"AIDAALICE\" ]}}]}"},
		{"a NotPrincipal",
			`{"Statement":{"NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"}}}`,
			`{"Statement":{"NotPrincipal":{"AWS":"AIDAALICE"}}}`},
		{"a condition keeps the ARN",
			`{"Statement":[{"Principal":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/alice"}}}]}`,
			`{"Statement":[{"Principal":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/alice"}}}]}`},
		{"a service principal of the same text is no AWS principal",
			`{"Statement":[{"Principal":{"Service":"arn:aws:iam::111111111111:user/alice"}}]}`,
			`{"Statement":[{"Principal":{"Service":"arn:aws:iam::111111111111:user/alice"}}]}`},
		{"not JSON", `{"Statement":`, `{"Statement":`},
	} {
		got, changed := policy.RenamePrincipal(c.doc, alice, "AIDAALICE")
		if got != c.want || changed != (c.doc != c.want) {
			t.Errorf("%s: RenamePrincipal = %s, %v; want %s", c.name, got, changed, c.want)
		}
	}
}
