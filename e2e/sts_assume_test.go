package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// account creates a member account with Organizations CreateAccount, as
// users do: an administrator of the management account assumes the new
// account's OrganizationAccountAccessRole and creates there an IAM user
// with AdministratorAccess, whose access key it returns. (A member
// account's root user has no access key.)
func (s *server) account(t *testing.T, name string) (id, key, secret string) {
	t.Helper()
	ctx := context.Background()
	org := organizations.New(organizations.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), HTTPClient: &http.Client{Timeout: time.Minute},
		Credentials: credentials.NewStaticCredentialsProvider(s.Root.AccessKeyId, s.Root.SecretAccessKey, "")})
	out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name),
		Email: aws.String(strings.ToLower(name) + "@example.com")})
	if err != nil || aws.ToString(out.CreateAccountStatus.AccountId) == "" {
		t.Fatalf("CreateAccount(%s) = %+v, %v", name, out, err)
	}
	id = aws.ToString(out.CreateAccountStatus.AccountId)
	session := intoAccount(t, s.administrator(t), id)
	admin := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), HTTPClient: &http.Client{Timeout: time.Minute},
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(session.AccessKeyId), aws.ToString(session.SecretAccessKey), aws.ToString(session.SessionToken))})
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")}); err != nil {
		t.Fatalf("CreateUser(admin) in %s: %v", id, err)
	}
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy(admin) in %s: %v", id, err)
	}
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatalf("CreateAccessKey(admin) in %s: %v", id, err)
	}
	if s.adminKeys == nil {
		s.adminKeys = map[string][2]string{}
	}
	key, secret = aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)
	s.adminKeys[id] = [2]string{key, secret}
	return id, key, secret
}

// administrator is an IAM user of the management account with
// AdministratorAccess, made once per server: the root user cannot assume
// roles.
func (s *server) administrator(t *testing.T) *sts.Client {
	t.Helper()
	if s.admin == nil {
		ctx := context.Background()
		root := iamClient(s)
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("organization-admin")}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("organization-admin"),
			PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
			t.Fatal(err)
		}
		k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("organization-admin")})
		if err != nil {
			t.Fatal(err)
		}
		s.admin = sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), HTTPClient: &http.Client{Timeout: time.Minute},
			Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), "")})
	}
	return s.admin
}

// intoAccount assumes OrganizationAccountAccessRole in a member account.
func intoAccount(t *testing.T, admin *sts.Client, account string) *ststypes.Credentials {
	t.Helper()
	out, err := admin.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"),
		RoleSessionName: aws.String("setup")})
	if err != nil {
		t.Fatalf("AssumeRole(OrganizationAccountAccessRole in %s): %v", account, err)
	}
	return out.Credentials
}

// walkthrough sets up seed 003 with the given CLI: production's StageRole
// trusts the staging (management) account and has ReadOnlyAccess; staging
// user "tester" may assume it. It returns the role ARN, the production
// account id and tester's key.
func walkthrough(t *testing.T, c client, s *server, suffix string) (roleARN, prod, keyID, secret string) {
	t.Helper()
	prod, prodKey, prodSecret := s.account(t, "Production"+suffix)
	must := func(id, sec string, out any, args ...string) {
		t.Helper()
		if msg, err := cli(t, c, s, id, sec, out, args...); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
		}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + s.Root.AccountId + `:root"},"Action":"sts:AssumeRole"}]}`
	var role struct{ Role struct{ Arn string } }
	must(prodKey, prodSecret, &role, "iam", "create-role", "--role-name", "StageRole", "--assume-role-policy-document", trust)
	must(prodKey, prodSecret, nil, "iam", "attach-role-policy", "--role-name", "StageRole", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	user := "tester" + suffix
	must(s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, "iam", "create-user", "--user-name", user)
	must(s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, "iam", "put-user-policy", "--user-name", user, "--policy-name", "assume",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"`+role.Role.Arn+`"}]}`)
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	must(s.Root.AccessKeyId, s.Root.SecretAccessKey, &key, "iam", "create-access-key", "--user-name", user)
	return role.Role.Arn, prod, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey
}

// Seeds 001 and 003 step by step with each aws CLI: assume the role,
// export the temporary credentials, read under ReadOnlyAccess, be denied
// a write; a mistyped role ARN is denied.
func TestCLIAssumeRole(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			roleARN, prod, keyID, secret := walkthrough(t, c, s, string(rune('a'+i)))
			var out struct {
				Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
				AssumedRoleUser struct{ Arn, AssumedRoleId string }
			}
			if msg, err := cli(t, c, s, keyID, secret, &out, "sts", "assume-role", "--role-arn", roleARN, "--role-session-name", "test"); err != nil {
				t.Fatalf("assume-role: %v\n%s", err, msg)
			}
			if out.AssumedRoleUser.Arn != "arn:aws:sts::"+prod+":assumed-role/StageRole/test" || !strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") {
				t.Fatalf("assume-role = %+v", out)
			}
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+out.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+out.Credentials.SecretAccessKey,
				"AWS_SESSION_TOKEN="+out.Credentials.SessionToken)
			stdout, stderr, err := run(t, env, c.path, "--endpoint-url", s.Endpoint, "--output", "json", "sts", "get-caller-identity")
			if err != nil || !strings.Contains(stdout, "assumed-role/StageRole/test") {
				t.Errorf("get-caller-identity with the exported credentials: %v %s %s", err, stdout, stderr)
			}
			if _, stderr, err := run(t, env, c.path, "--endpoint-url", s.Endpoint, "iam", "list-roles"); err != nil {
				t.Errorf("list-roles under ReadOnlyAccess: %v %s", err, stderr)
			}
			_, stderr, err = run(t, env, c.path, "--endpoint-url", s.Endpoint, "iam", "create-user", "--user-name", "intruder")
			if err == nil || !strings.Contains(stderr, "AccessDenied") {
				t.Errorf("create-user under ReadOnlyAccess: %v %s; want AccessDenied", err, stderr)
			}
			wrong := strings.Replace(roleARN, "StageRole", "StagingRole", 1)
			msg, err := cli(t, c, s, keyID, secret, nil, "sts", "assume-role", "--role-arn", wrong, "--role-session-name", "test")
			if err == nil || !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, "sts:AssumeRole on resource: "+wrong) {
				t.Errorf("assume-role of a mistyped ARN: %v %s; want AccessDenied", err, msg)
			}
		})
	}
}

const boto3AssumeRole = `
import boto3, json, sys
endpoint, role_arn, key, secret = sys.argv[1:5]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3")["Credentials"]
session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"], region_name="us-east-1")
print(json.dumps(session.client("sts", endpoint_url=endpoint).get_caller_identity()["Arn"]))
try:
    session.client("iam", endpoint_url=endpoint).create_user(UserName="intruder")
    print(json.dumps("allowed"))
except Exception as e:
    print(json.dumps(e.response["Error"]["Code"]))
`

// Seed 004's boto3 script, without MFA: assume the role, use the session.
func TestBoto3AssumeRole(t *testing.T) {
	s := start(t, t.TempDir())
	clis := awsCLIs(t)
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			roleARN, prod, keyID, secret := walkthrough(t, clis[0], s, string(rune('p'+i)))
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", boto3AssumeRole, s.Endpoint, roleARN, keyID, secret)
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, stderr)
			}
			want := `"arn:aws:sts::` + prod + `:assumed-role/StageRole/boto3"` + "\n" + `"AccessDenied"`
			if strings.TrimSpace(out) != want {
				t.Errorf("boto3 printed %q, want %q", out, want)
			}
		})
	}
}

// profileWithMFA: a profile with role_arn, source_profile and mfa_serial
// for a role whose trust policy requires MFA. The CLI asks for the code
// and sends it with the AssumeRole of the profile; with no terminal (its
// own session) it reads the code from standard input.
func profileWithMFA(t *testing.T, s *server, c client) {
	must := func(id, secret string, out any, args ...string) {
		t.Helper()
		if msg, err := cli(t, c, s, id, secret, out, args...); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
		}
	}
	root := func(out any, args ...string) { must(s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...) }
	prod, prodKey, prodSecret := s.account(t, "ProductionMFA")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + s.Root.AccountId + `"},` +
		`"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}`
	var role struct{ Role struct{ Arn string } }
	must(prodKey, prodSecret, &role, "iam", "create-role", "--role-name", "DevReadOnly-CrossAccount", "--assume-role-policy-document", trust)
	user := "Tyler-Dev"
	root(nil, "iam", "create-user", "--user-name", user)
	root(nil, "iam", "put-user-policy", "--user-name", user, "--policy-name", "assume",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"`+role.Role.Arn+`"}]}`)
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	root(&key, "iam", "create-access-key", "--user-name", user)
	serial, seed, step := enableMFA(t, root, s.Root.AccountId, user)

	home := t.TempDir()
	config := "[profile dev]\nregion = us-east-1\n\n[profile prod-read-only]\nrole_arn = " + role.Role.Arn +
		"\nsource_profile = dev\nmfa_serial = " + serial + "\nregion = us-east-1\n"
	creds := "[dev]\naws_access_key_id = " + key.AccessKey.AccessKeyId + "\naws_secret_access_key = " + key.AccessKey.SecretAccessKey + "\n"
	os.WriteFile(filepath.Join(home, "config"), []byte(config), 0o600)
	os.WriteFile(filepath.Join(home, "credentials"), []byte(creds), 0o600)
	env := append(cleanEnv(t), "HOME="+home, "AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"), "AWS_ENDPOINT_URL="+s.Endpoint)
	cmd := exec.Command(c.path, "--profile", "prod-read-only", "--output", "json", "sts", "get-caller-identity")
	cmd.Env, cmd.Stdin = env, strings.NewReader(totpCode(t, seed, step+1)+"\n")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no terminal: the prompt reads standard input
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), "arn:aws:sts::"+prod+":assumed-role/DevReadOnly-CrossAccount/") {
		t.Errorf("get-caller-identity --profile prod-read-only with mfa_serial: %v %s %s", err, stdout.String(), stderr.String())
	}
}

// A CLI profile with role_arn and source_profile: the client assumes the
// role itself. Only clients that honour AWS_ENDPOINT_URL send that STS
// call to trustgate (CLI v1, newer boto3); Debian's CLI v2.9 does not.
func TestProfileWithRoleARN(t *testing.T) {
	s := start(t, t.TempDir())
	var v1 []client
	for _, c := range awsCLIs(t) {
		out, _, _ := run(t, cleanEnv(t), c.path, "--version")
		if strings.HasPrefix(out, "aws-cli/1.") {
			v1 = append(v1, c)
		}
	}
	if len(v1) == 0 {
		t.Skip("no aws CLI v1 on this machine; Debian's v2.9 ignores AWS_ENDPOINT_URL for the profile's STS call")
	}
	t.Run("mfa_serial", func(t *testing.T) { profileWithMFA(t, s, v1[0]) })
	for _, c := range v1 {
		t.Run(c.name, func(t *testing.T) {
			roleARN, prod, keyID, secret := walkthrough(t, c, s, "v")
			home := t.TempDir()
			config := "[profile staging]\nregion = us-east-1\n\n[profile prod]\nrole_arn = " + roleARN + "\nsource_profile = staging\nregion = us-east-1\n"
			creds := "[staging]\naws_access_key_id = " + keyID + "\naws_secret_access_key = " + secret + "\n"
			os.WriteFile(filepath.Join(home, "config"), []byte(config), 0o600)
			os.WriteFile(filepath.Join(home, "credentials"), []byte(creds), 0o600)
			env := append(cleanEnv(t), "AWS_CONFIG_FILE="+filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
				"AWS_ENDPOINT_URL="+s.Endpoint)
			stdout, stderr, err := run(t, env, c.path, "--profile", "prod", "--output", "json", "sts", "get-caller-identity")
			if err != nil || !strings.Contains(stdout, "arn:aws:sts::"+prod+":assumed-role/StageRole/") {
				t.Errorf("get-caller-identity --profile prod: %v %s %s", err, stdout, stderr)
			}
		})
	}
}
