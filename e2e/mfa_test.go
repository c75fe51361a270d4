package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// totpCode is a seed's TOTP code for the 30-second window step. The
// tests compute the codes of the windows they need from the clock the
// server also reads, and never wait for a window.
func totpCode(t *testing.T, seed string, step int64) string {
	t.Helper()
	code, err := totp.GenerateCode(seed, time.Unix(step*30, 0))
	if err != nil {
		t.Fatalf("totp.GenerateCode: %v", err)
	}
	return code
}

// enableMFA creates a virtual MFA device for user with the aws CLI run by
// root (the CLI writes its seed to a file) and enables it with two codes
// computed here; it returns the device's serial number, its seed and the
// time step of the second code.
func enableMFA(t *testing.T, root func(out any, args ...string), account, user string) (serial, seed string, step int64) {
	t.Helper()
	seedFile := filepath.Join(t.TempDir(), "seed.txt")
	var device struct{ VirtualMFADevice struct{ SerialNumber string } }
	root(&device, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", user,
		"--outfile", seedFile, "--bootstrap-method", "Base32StringSeed")
	b, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	serial, seed = device.VirtualMFADevice.SerialNumber, string(b)
	if serial != "arn:aws:iam::"+account+":mfa/"+user || len(seed) != 64 {
		t.Fatalf("create-virtual-mfa-device = %s with a %d-character seed; want arn:aws:iam::%s:mfa/%s, 64 characters",
			serial, len(seed), account, user)
	}
	step = time.Now().Unix() / 30
	root(nil, "iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
		"--authentication-code1", totpCode(t, seed, step-1), "--authentication-code2", totpCode(t, seed, step))
	return serial, seed, step
}

// Seed 004's script: assume the role with SerialNumber and TokenCode,
// then use the temporary credentials.
const boto3AssumeRoleWithMFA = `
import boto3, json, sys
endpoint, role_arn, mfa_arn, mfa_token, key, secret = sys.argv[1:7]
client = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
def outcome(**mfa):
    try:
        client.assume_role(RoleArn=role_arn, RoleSessionName="AssumeRoleSession", **mfa)
        return "allowed"
    except Exception as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
print(json.dumps(outcome()))
assumed_role_object = client.assume_role(RoleArn=role_arn, RoleSessionName="AssumeRoleSession", SerialNumber=mfa_arn, TokenCode=mfa_token)
credentials = assumed_role_object["Credentials"]
session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"], region_name="us-east-1")
print(json.dumps(session.client("sts", endpoint_url=endpoint).get_caller_identity()["Arn"]))
print(json.dumps(len(session.client("iam", endpoint_url=endpoint).list_roles()["Roles"])))
print(json.dumps(outcome(SerialNumber=mfa_arn, TokenCode=mfa_token)))
`

// Seed 004 with each boto3: production's role trusts the development
// (management) account only with MFA; the user's virtual MFA device is
// created (the CLI writes its seed to a file) and enabled with the aws
// CLI, with codes computed here; boto3 is denied the role without MFA,
// assumes it with a fresh code and uses the session, and is denied when
// it sends the same code again (notes 22 and 23).
func TestBoto3AssumeRoleWithMFA(t *testing.T) {
	s := start(t, t.TempDir())
	c := awsCLIs(t)[0]
	must := func(id, secret string, out any, args ...string) {
		t.Helper()
		if msg, err := cli(t, c, s, id, secret, out, args...); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
		}
	}
	root := func(out any, args ...string) {
		t.Helper()
		must(s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...)
	}

	prod, prodKey, prodSecret := s.account(t, "Production")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + s.Root.AccountId + `"},` +
		`"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}`
	var role struct{ Role struct{ Arn string } }
	must(prodKey, prodSecret, &role, "iam", "create-role", "--role-name", "DevReadOnlyAccesswithMFA", "--assume-role-policy-document", trust)
	must(prodKey, prodSecret, nil, "iam", "attach-role-policy", "--role-name", "DevReadOnlyAccesswithMFA", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")

	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			user := "Tyler-Dev-" + string(rune('a'+i))
			root(nil, "iam", "create-user", "--user-name", user)
			root(nil, "iam", "put-user-policy", "--user-name", user, "--policy-name", "assume",
				"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"`+role.Role.Arn+`"}]}`)
			var key struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			root(&key, "iam", "create-access-key", "--user-name", user)
			serial, seed, step := enableMFA(t, func(out any, args ...string) { root(out, args...) }, s.Root.AccountId, user)
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", boto3AssumeRoleWithMFA, s.Endpoint, role.Role.Arn, serial,
				totpCode(t, seed, step+1), key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey)
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, stderr)
			}
			var lines []any
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var v any
				if err := json.Unmarshal([]byte(l), &v); err != nil {
					t.Fatalf("boto3 printed %q", out)
				}
				lines = append(lines, v)
			}
			want := []any{
				"AccessDenied: User: arn:aws:iam::" + s.Root.AccountId + ":user/" + user + " is not authorized to perform: sts:AssumeRole on resource: " +
					role.Role.Arn + " because no resource-based policy allows the sts:AssumeRole action",
				"arn:aws:sts::" + prod + ":assumed-role/DevReadOnlyAccesswithMFA/AssumeRoleSession",
				float64(2), // the role, and OrganizationAccountAccessRole that CreateAccount made
				"AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code. ",
			}
			if len(lines) != len(want) {
				t.Fatalf("boto3 printed %q, want %d lines", out, len(want))
			}
			for i := range want {
				if lines[i] != want[i] {
					t.Errorf("boto3 line %d = %q, want %q", i+1, lines[i], want[i])
				}
			}
		})
	}
}
