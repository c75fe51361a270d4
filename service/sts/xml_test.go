package stsapi

import (
	"encoding/xml"
	"testing"

	"github.com/trustgate/trustgate/protocol/query"
)

// The hand-written answers must be byte for byte what encoding/xml
// writes for the same structs, odd characters included.
func TestAppendXMLMatchesEncodingXML(t *testing.T) {
	size := 7
	odd := "a&b<c>\"d'\te\nf\r\x01é\uFFFE"
	for _, result := range []query.Appender{
		&callerIdentity{Arn: "arn:aws:iam::111111111111:user/alice", UserId: "AIDAEXAMPLE", Account: "111111111111"},
		&callerIdentity{Arn: odd, UserId: odd, Account: ""},
		&assumeRoleResult{
			Credentials:     credentials{AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s/e+c=", SessionToken: "tok&en", Expiration: "2026-12-01T22:00:00Z"},
			AssumedRoleUser: assumedRoleUser{AssumedRoleId: "AROAEXAMPLE:s", Arn: odd},
		},
		&assumeRoleResult{PackedPolicySize: &size, SourceIdentity: odd},
	} {
		want, err := xml.Marshal(result)
		if err != nil {
			t.Fatal(err)
		}
		// xml.Marshal wraps the fields in the type's own element.
		start, end := len("<"+xmlName(result)+">"), len(want)-len("</"+xmlName(result)+">")
		if got := string(result.AppendXML(nil)); got != string(want[start:end]) {
			t.Errorf("AppendXML:\n%s\nencoding/xml:\n%s", got, want[start:end])
		}
	}
}

func xmlName(v query.Appender) string {
	switch v.(type) {
	case *callerIdentity:
		return "callerIdentity"
	}
	return "assumeRoleResult"
}
