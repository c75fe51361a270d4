package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Seed 000's structure with each aws CLI: OUs for Management, Development
// and Production, accounts created and moved into them, an administrator
// of the management account assuming OrganizationAccountAccessRole into
// one and working there, and an SCP on its OU that stops its S3 writes.
func TestCLIOrganizationStructure(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			suffix := string(rune('a' + i))
			root := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			var roots struct{ Roots []struct{ Id string } }
			root(&roots, "organizations", "list-roots")
			if len(roots.Roots) != 1 || !strings.HasPrefix(roots.Roots[0].Id, "r-") {
				t.Fatalf("list-roots = %+v", roots)
			}
			rootID := roots.Roots[0].Id
			ous := map[string]string{}
			for _, name := range []string{"Management", "Development", "Production"} {
				var ou struct{ OrganizationalUnit struct{ Id string } }
				root(&ou, "organizations", "create-organizational-unit", "--parent-id", rootID, "--name", name+"-"+suffix)
				ous[name] = ou.OrganizationalUnit.Id
			}
			var created struct {
				CreateAccountStatus struct{ State, AccountId string }
			}
			root(&created, "organizations", "create-account", "--email", "development-"+suffix+"@example.com", "--account-name", "Development")
			dev := created.CreateAccountStatus.AccountId
			if created.CreateAccountStatus.State != "SUCCEEDED" || len(dev) != 12 {
				t.Fatalf("create-account = %+v", created)
			}
			root(nil, "organizations", "move-account", "--account-id", dev, "--source-parent-id", rootID, "--destination-parent-id", ous["Development"])
			var in struct{ Accounts []struct{ Id string } }
			root(&in, "organizations", "list-accounts-for-parent", "--parent-id", ous["Development"])
			if len(in.Accounts) != 1 || in.Accounts[0].Id != dev {
				t.Errorf("list-accounts-for-parent = %+v", in)
			}

			// An administrator of the management account works in the new account.
			admin := "admin-" + suffix
			root(nil, "iam", "create-user", "--user-name", admin)
			root(nil, "iam", "attach-user-policy", "--user-name", admin, "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
			var key struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			root(&key, "iam", "create-access-key", "--user-name", admin)
			var assumed struct {
				Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
			}
			if msg, err := cli(t, c, s, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, &assumed, "sts", "assume-role",
				"--role-arn", "arn:aws:iam::"+dev+":role/OrganizationAccountAccessRole", "--role-session-name", "admin"); err != nil {
				t.Fatalf("assume-role into the new account: %v\n%s", err, msg)
			}
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+assumed.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+assumed.Credentials.SecretAccessKey,
				"AWS_SESSION_TOKEN="+assumed.Credentials.SessionToken)
			inDev := func(args ...string) (string, string, error) {
				return run(t, env, c.path, append([]string{"--endpoint-url", s.Endpoint, "--output", "json"}, args...)...)
			}
			if out, stderr, err := inDev("sts", "get-caller-identity"); err != nil || !strings.Contains(out, "arn:aws:sts::"+dev+":assumed-role/OrganizationAccountAccessRole/admin") {
				t.Fatalf("get-caller-identity in the new account: %v %s %s", err, out, stderr)
			}
			bucket := "development-builds-" + suffix
			file := filepath.Join(t.TempDir(), "build.tgz")
			os.WriteFile(file, []byte("artifact"), 0o600)
			for _, args := range [][]string{{"iam", "create-user", "--user-name", "developer"}, {"s3", "mb", "s3://" + bucket}, {"s3", "cp", file, "s3://" + bucket + "/build.tgz"}} {
				if _, stderr, err := inDev(args...); err != nil {
					t.Fatalf("aws %s in the new account: %v %s", strings.Join(args, " "), err, stderr)
				}
			}

			// An SCP on the Development OU stops S3 writes there, administrator or not.
			if i == 0 {
				root(nil, "organizations", "enable-policy-type", "--root-id", rootID, "--policy-type", "SERVICE_CONTROL_POLICY")
			}
			var scp struct {
				Policy struct{ PolicySummary struct{ Id string } }
			}
			root(&scp, "organizations", "create-policy", "--name", "DenyS3Writes-"+suffix, "--type", "SERVICE_CONTROL_POLICY",
				"--description", "no S3 writes", "--content", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`)
			root(nil, "organizations", "attach-policy", "--policy-id", scp.Policy.PolicySummary.Id, "--target-id", ous["Development"])
			if _, stderr, err := inDev("s3", "cp", file, "s3://"+bucket+"/again.tgz"); err == nil || !strings.Contains(stderr, "AccessDenied") {
				t.Errorf("s3 cp under the OU's SCP: %v %s; want AccessDenied", err, stderr)
			}
			if _, stderr, err := inDev("s3", "cp", "s3://"+bucket+"/build.tgz", filepath.Join(t.TempDir(), "b.tgz")); err != nil {
				t.Errorf("s3 cp down, which the SCP allows: %v %s", err, stderr)
			}
			// A member account cannot manage the organization.
			if _, stderr, err := inDev("organizations", "list-accounts"); err == nil || !strings.Contains(stderr, "AccessDeniedException") {
				t.Errorf("organizations list-accounts from the member account: %v %s; want AccessDeniedException", err, stderr)
			}
		})
	}
}
