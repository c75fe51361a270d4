package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// logLines returns the request log's lines for action, decoded.
func (ts *testServer) logLines(t *testing.T, action string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(ts.Logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["action"] == action {
			out = append(out, line)
		}
	}
	return out
}

// A denial's log line carries its encoded authorization message, which
// DecodeAuthorizationMessage opens for a caller allowed to (note 36).
func TestDecodeAuthorizationMessage(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice := ts.newUser(t, "alice")
	_, err := alice.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantAPIError(t, "CreateUser without permission", err, "AccessDenied", "iam:CreateUser")

	var encoded string
	for _, line := range ts.logLines(t, "CreateUser") {
		switch line["decision"] {
		case "allow": // root creating alice
		case "deny":
			encoded, _ = line["authorization"].(string)
		default:
			t.Errorf("CreateUser logged with decision %v", line["decision"])
		}
	}
	if encoded == "" {
		t.Fatalf("no denial of CreateUser with its authorization message in the log:\n%s", ts.Logs.String())
	}

	aliceSTS := ts.userSTS(t, "alice")
	_, err = aliceSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	wantAPIError(t, "DecodeAuthorizationMessage without permission", err, "AccessDenied", "sts:DecodeAuthorizationMessage")

	root := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey)
	out, err := root.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	if err != nil {
		t.Fatalf("DecodeAuthorizationMessage as root: %v", err)
	}
	var msg struct {
		Allowed      bool `json:"allowed"`
		ExplicitDeny bool `json:"explicitDeny"`
		Failures     struct{ Items []string }
		Context      struct {
			Principal  struct{ ID, ARN string }
			Action     string
			Resource   string
			Conditions struct {
				Items []struct {
					Key    string
					Values struct{ Items []struct{ Value string } }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &msg); err != nil {
		t.Fatalf("DecodedMessage %q: %v", aws.ToString(out.DecodedMessage), err)
	}
	if !strings.Contains(aws.ToString(out.DecodedMessage), `"matchedStatements":{"items":[]}`) {
		t.Errorf("DecodedMessage %s: want an empty list of matched statements as [], not null", aws.ToString(out.DecodedMessage))
	}
	acct := ts.Root.AccountId
	if msg.Allowed || msg.ExplicitDeny || msg.Context.Action != "iam:CreateUser" || msg.Context.Resource != "arn:aws:iam::"+acct+":user/mallory" ||
		msg.Context.Principal.ARN != "arn:aws:iam::"+acct+":user/alice" || !strings.HasPrefix(msg.Context.Principal.ID, "AIDA") ||
		len(msg.Failures.Items) != 1 || !strings.Contains(msg.Failures.Items[0], "no identity-based policy allows") {
		t.Errorf("decoded message = %+v", msg)
	}
	username := ""
	for _, c := range msg.Context.Conditions.Items {
		if c.Key == "aws:username" && len(c.Values.Items) == 1 {
			username = c.Values.Items[0].Value
		}
	}
	if username != "alice" {
		t.Errorf("the message's conditions give aws:username %q, want alice", username)
	}

	altered := []byte(encoded)
	altered[len(altered)/2] ^= 1
	_, err = root.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(string(altered))})
	wantAPIError(t, "DecodeAuthorizationMessage of an altered message", err, "InvalidAuthorizationMessageException", "")
}
