package e2e

import (
	"strings"
	"testing"
)

// Session tags and a source identity with each aws CLI: the tags become
// the session's aws:PrincipalTag, the source identity comes back, and a
// tag value the trust policy does not allow is refused.
func TestCLISessionTags(t *testing.T) {
	s := start(t, t.TempDir())
	acct := s.Root.AccountId
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			root := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			suffix := string(rune('a' + i))
			user, role := "tagger-"+suffix, "Tagged-"+suffix
			root(nil, "iam", "create-user", "--user-name", user)
			root(nil, "iam", "put-user-policy", "--user-name", user, "--policy-name", "assume", "--policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Resource":"*"}]}`)
			var key struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			root(&key, "iam", "create-access-key", "--user-name", user)
			principal := `"Principal":{"AWS":"arn:aws:iam::` + acct + `:user/` + user + `"}`
			root(nil, "iam", "create-role", "--role-name", role, "--assume-role-policy-document", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow",`+principal+`,"Action":["sts:AssumeRole","sts:SetSourceIdentity"]},
				{"Effect":"Allow",`+principal+`,"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/Team":"data"}}}]}`)
			root(nil, "iam", "put-role-policy", "--role-name", role, "--policy-name", "own-team", "--policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::*:role/*-${aws:PrincipalTag/Team}"}]}`)

			assume := func(out any, team string) (string, error) {
				return cli(t, c, s, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, out, "sts", "assume-role",
					"--role-arn", "arn:aws:iam::"+acct+":role/"+role, "--role-session-name", "tagged",
					"--tags", "Key=Team,Value="+team, "--transitive-tag-keys", "Team", "--source-identity", user)
			}
			if msg, err := assume(nil, "web"); err == nil || !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, "sts:TagSession") {
				t.Errorf("assume-role --tags Team=web = %v\n%s; want AccessDenied naming sts:TagSession", err, msg)
			}
			var session struct {
				Credentials      struct{ AccessKeyId, SecretAccessKey, SessionToken string }
				SourceIdentity   string
				PackedPolicySize int
			}
			if msg, err := assume(&session, "data"); err != nil {
				t.Fatalf("assume-role --tags Team=data: %v\n%s", err, msg)
			}
			if session.SourceIdentity != user || session.PackedPolicySize <= 0 {
				t.Errorf("assume-role = SourceIdentity %q, PackedPolicySize %d", session.SourceIdentity, session.PackedPolicySize)
			}
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+session.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+session.Credentials.SecretAccessKey,
				"AWS_SESSION_TOKEN="+session.Credentials.SessionToken)
			getRole := func(name string) (string, string, error) {
				return run(t, env, c.path, "--endpoint-url", s.Endpoint, "--output", "json", "iam", "get-role", "--role-name", name)
			}
			if out, stderr, err := getRole("reports-data"); err == nil || !strings.Contains(stderr, "NoSuchEntity") {
				t.Errorf("get-role reports-data, allowed by aws:PrincipalTag/Team = %v %s %s; want NoSuchEntity past the policy", err, out, stderr)
			}
			if _, stderr, err := getRole("reports-web"); err == nil || !strings.Contains(stderr, "AccessDenied") {
				t.Errorf("get-role reports-web = %v %s; want AccessDenied", err, stderr)
			}
		})
	}
}

// The policy simulator through each aws CLI: the map of per-side decisions
// and the statement positions come back as AWS's clients parse them.
func TestCLISimulateCustomPolicy(t *testing.T) {
	s := start(t, t.TempDir())
	for _, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			var out struct {
				EvaluationResults []struct {
					EvalActionName      string
					EvalDecision        string
					EvalDecisionDetails map[string]string
					MatchedStatements   []struct {
						SourcePolicyId string
						StartPosition  struct{ Line, Column int }
					}
				}
			}
			msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, &out, "iam", "simulate-custom-policy",
				"--policy-input-list", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`,
				"--action-names", "s3:GetObject", "s3:PutObject",
				"--resource-arns", "arn:aws:s3:::shared/report.csv",
				"--resource-policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":"s3:*","Resource":"*"}]}`,
				"--resource-owner", "444455556666", "--caller-arn", "arn:aws:iam::111122223333:user/dev")
			if err != nil {
				t.Fatalf("simulate-custom-policy: %v\n%s", err, msg)
			}
			if len(out.EvaluationResults) != 2 {
				t.Fatalf("simulate-custom-policy = %+v", out)
			}
			get, put := out.EvaluationResults[0], out.EvaluationResults[1]
			if get.EvalDecision != "allowed" || get.EvalDecisionDetails["IAM Policy"] != "allowed" || get.EvalDecisionDetails["Resource Policy"] != "allowed" ||
				len(get.MatchedStatements) != 2 || get.MatchedStatements[0].SourcePolicyId != "PolicyInputList.1" ||
				get.MatchedStatements[0].StartPosition.Line != 1 || get.MatchedStatements[0].StartPosition.Column != 41 {
				t.Errorf("s3:GetObject = %+v", get)
			}
			if put.EvalDecision != "implicitDeny" || put.EvalDecisionDetails["IAM Policy"] != "implicitDeny" || put.EvalDecisionDetails["Resource Policy"] != "allowed" {
				t.Errorf("s3:PutObject = %+v", put)
			}
		})
	}
}
