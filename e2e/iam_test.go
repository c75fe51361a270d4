package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// cli runs one aws CLI command against s with the given credentials and
// returns its JSON output decoded into out (when not nil).
func cli(t *testing.T, c client, s *server, id, secret string, out any, args ...string) (string, error) {
	t.Helper()
	env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret)
	stdout, stderr, err := run(t, env, c.path, append([]string{"--endpoint-url", s.Endpoint, "--output", "json"}, args...)...)
	if err != nil {
		return stderr, err
	}
	if out != nil && strings.TrimSpace(stdout) != "" {
		if err := json.Unmarshal([]byte(stdout), out); err != nil {
			t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), stdout, err)
		}
	}
	return stdout, nil
}

// rootCLI runs aws CLI commands of c against s as its root user: aws
// returns the output, or the error output with the error; must fails
// the test on an error.
func rootCLI(t *testing.T, c client, s *server) (aws func(out any, args ...string) (string, error), must func(out any, args ...string)) {
	aws = func(out any, args ...string) (string, error) {
		t.Helper()
		return cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...)
	}
	must = func(out any, args ...string) {
		t.Helper()
		if msg, err := aws(out, args...); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
		}
	}
	return aws, must
}

// The IAM side of the walkthroughs with each aws CLI: a Developers group
// granted sts:AssumeRole, a user in it with an access key, a role whose
// trust policy names the account; and seed 000's mistake, a trust policy
// naming the group, refused as IAM refuses it.
func TestCLIWalkthroughIAM(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			root := func(out any, args ...string) string {
				t.Helper()
				msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...)
				if err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
				return msg
			}
			suffix := string(rune('a' + i))
			group, user, role := "Developers"+suffix, "dev-"+suffix, "allow-s3-full-access-"+suffix
			root(nil, "iam", "create-group", "--group-name", group)
			root(nil, "iam", "put-group-policy", "--group-name", group, "--policy-name", "assume",
				"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"arn:aws:iam::`+s.Root.AccountId+`:role/`+role+`"}]}`)
			root(nil, "iam", "create-user", "--user-name", user)
			root(nil, "iam", "add-user-to-group", "--group-name", group, "--user-name", user)
			var key struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			root(&key, "iam", "create-access-key", "--user-name", user)
			if !strings.HasPrefix(key.AccessKey.AccessKeyId, "AKIA") || len(key.AccessKey.SecretAccessKey) != 40 {
				t.Fatalf("create-access-key = %+v", key)
			}

			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + s.Root.AccountId + `:root"},"Action":["sts:AssumeRole"]}]}`
			var created struct{ Role struct{ Arn, RoleId string } }
			root(&created, "iam", "create-role", "--role-name", role, "--assume-role-policy-document", trust)
			root(nil, "iam", "attach-role-policy", "--role-name", role, "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3FullAccess")
			var got struct {
				Role struct{ AssumeRolePolicyDocument map[string]any }
			}
			root(&got, "iam", "get-role", "--role-name", role)
			if got.Role.AssumeRolePolicyDocument["Version"] != "2012-10-17" {
				t.Errorf("get-role printed the trust policy as %v; the CLI decodes IAM's URL-encoded document", got.Role.AssumeRolePolicyDocument)
			}

			// The user, with only its group's grant, cannot administer IAM.
			msg, err := cli(t, c, s, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, nil, "iam", "list-users")
			if err == nil || !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, "is not authorized to perform: iam:ListUsers") {
				t.Errorf("list-users by %s: %v %s; want AccessDenied", user, err, msg)
			}

			// Seed 000's trust policy names the group: IAM refuses it.
			groupTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + s.Root.AccountId + `:group/` + group + `"},"Action":["sts:AssumeRole"],"Condition":{}}]}`
			msg, err = cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, "iam", "create-role", "--role-name", "bad-"+suffix, "--assume-role-policy-document", groupTrust)
			if err == nil || !strings.Contains(msg, "MalformedPolicyDocument") || !strings.Contains(msg, `Invalid principal in policy: "AWS":"arn:aws:iam::`+s.Root.AccountId+`:group/`+group+`"`) {
				t.Errorf("create-role trusting a group: %v %s; want MalformedPolicyDocument naming the principal", err, msg)
			}
		})
	}
}
