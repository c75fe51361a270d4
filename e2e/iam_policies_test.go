package e2e

import (
	"strings"
	"testing"
)

// Customer managed policies, login profiles, account aliases and the
// authorization details through each aws CLI: the CLI decodes IAM's
// URL-encoded documents and pages the listings on its own.
func TestCLIManagedPoliciesAndAccount(t *testing.T) {
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
			user, name := "reader-"+suffix, "Listing-"+suffix
			root(nil, "iam", "create-user", "--user-name", user)
			var key struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			root(&key, "iam", "create-access-key", "--user-name", user)
			asUser := func(args ...string) error {
				_, err := cli(t, c, s, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, nil, args...)
				return err
			}

			var created struct {
				Policy struct{ Arn, DefaultVersionId string }
			}
			root(&created, "iam", "create-policy", "--policy-name", name, "--policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)
			if created.Policy.Arn != "arn:aws:iam::"+acct+":policy/"+name || created.Policy.DefaultVersionId != "v1" {
				t.Fatalf("create-policy = %+v", created)
			}
			root(nil, "iam", "attach-user-policy", "--user-name", user, "--policy-arn", created.Policy.Arn)
			if err := asUser("iam", "list-users"); err != nil {
				t.Errorf("list-users under v1: %v", err)
			}
			var v2 struct{ PolicyVersion struct{ VersionId string } }
			root(&v2, "iam", "create-policy-version", "--policy-arn", created.Policy.Arn, "--set-as-default", "--policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)
			if v2.PolicyVersion.VersionId != "v2" {
				t.Errorf("create-policy-version = %+v", v2)
			}
			if asUser("iam", "list-users") == nil || asUser("iam", "list-roles") != nil {
				t.Error("after v2 became the default, want list-roles allowed and list-users denied")
			}
			var v1 struct {
				PolicyVersion struct{ Document map[string]any }
			}
			root(&v1, "iam", "get-policy-version", "--policy-arn", created.Policy.Arn, "--version-id", "v1")
			if v1.PolicyVersion.Document["Version"] != "2012-10-17" {
				t.Errorf("get-policy-version printed the document as %v; the CLI decodes IAM's URL-encoded document", v1.PolicyVersion.Document)
			}
			var local struct{ Policies []struct{ PolicyName string } }
			root(&local, "iam", "list-policies", "--scope", "Local", "--only-attached")
			if !hasPolicy(local.Policies, name) {
				t.Errorf("list-policies --scope Local --only-attached = %+v; want %s", local, name)
			}

			var details struct {
				UserDetailList []struct {
					UserName                string
					AttachedManagedPolicies []struct{ PolicyArn string }
				}
				Policies []struct{ PolicyName string }
			}
			root(&details, "iam", "get-account-authorization-details", "--max-items", "1")
			if !hasPolicy(details.Policies, name) {
				t.Errorf("get-account-authorization-details (paged by the CLI) has no %s: %+v", name, details.Policies)
			}

			var profile struct{ LoginProfile struct{ UserName string } }
			root(&profile, "iam", "create-login-profile", "--user-name", user, "--password", "Correct-Horse-7", "--password-reset-required")
			if profile.LoginProfile.UserName != user {
				t.Errorf("create-login-profile = %+v", profile)
			}
			msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, "iam", "update-login-profile", "--user-name", user, "--password", "weak")
			if err == nil || !strings.Contains(msg, "PasswordPolicyViolation") {
				t.Errorf("update-login-profile with a weak password: %v %s; want PasswordPolicyViolation", err, msg)
			}

			alias := "example-" + suffix
			root(nil, "iam", "create-account-alias", "--account-alias", alias)
			var aliases struct{ AccountAliases []string }
			root(&aliases, "iam", "list-account-aliases")
			if len(aliases.AccountAliases) != 1 || aliases.AccountAliases[0] != alias {
				t.Errorf("list-account-aliases = %+v; want only %s", aliases, alias)
			}
		})
	}
}

func hasPolicy(ps []struct{ PolicyName string }, name string) bool {
	for _, p := range ps {
		if p.PolicyName == name {
			return true
		}
	}
	return false
}

const boto3Policies = `
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
arn = iam.create_policy(PolicyName=sys.argv[4], PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
for _ in range(4):
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc))
try:
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc))
    print(json.dumps("no error"))
except iam.exceptions.LimitExceededException as e:
    print(json.dumps(e.response["Error"]["Code"]))
print(json.dumps(iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == doc))
pages = iam.get_paginator("get_account_authorization_details").paginate(Filter=["LocalManagedPolicy"], PaginationConfig={"PageSize": 1})
print(json.dumps(sorted(p["PolicyName"] for page in pages for p in page["Policies"])))
try:
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    print(json.dumps("no error"))
except iam.exceptions.DeleteConflictException as e:
    print(json.dumps(e.response["Error"]["Code"]))
`

// boto3 raises IAM's modelled exceptions for the version limit and the
// default version, decodes documents, and pages the authorization details.
func TestBoto3ManagedPolicies(t *testing.T) {
	s := start(t, t.TempDir())
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			name := "Reads-" + string(rune('a'+i))
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", boto3Policies, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey, name)
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 || lines[0] != `"LimitExceeded"` || lines[1] != "true" || !strings.Contains(lines[2], `"`+name+`"`) || lines[3] != `"DeleteConflict"` {
				t.Errorf("boto3 printed %q; want LimitExceeded, true, a list with %s, DeleteConflict", lines, name)
			}
		})
	}
}
