package policy_test

import (
	"testing"

	"github.com/trustgate/trustgate/policy"
)

func TestStatementPosition(t *testing.T) {
	for _, tt := range []struct {
		name       string
		doc        string
		i          int
		start, end policy.Position
	}{
		{"the first of an array, on one line",
			`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`, 0,
			policy.Position{Line: 1, Column: 41}, policy.Position{Line: 1, Column: 95}},
		{"the second, on lines of their own",
			"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\n      \"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"\n    }\n  ]\n}", 1,
			policy.Position{Line: 5, Column: 5}, policy.Position{Line: 7, Column: 6}},
		{"a lone statement object after other keys",
			`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"},"Version":"2012-10-17"}`, 0,
			policy.Position{Line: 1, Column: 14}, policy.Position{Line: 1, Column: 63}},
		{"columns count characters, not bytes",
			`{"Id": "é", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`, 0,
			policy.Position{Line: 1, Column: 27}, policy.Position{Line: 1, Column: 81}},
		{"no such statement", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, 1,
			policy.Position{}, policy.Position{}},
	} {
		p, err := policy.Parse(tt.doc, policy.Identity)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		start, end := p.StatementPosition(tt.i)
		if start != tt.start || end != tt.end {
			t.Errorf("%s: StatementPosition(%d) = %v, %v; want %v, %v", tt.name, tt.i, start, end, tt.start, tt.end)
		}
	}
}
