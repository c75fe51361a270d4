package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// boto3Seed000 follows seed 000 step by step: a development account's
// bucket reached from the security account's Developers group, first
// through a role the group may assume (approach 1), then through a bucket
// policy and the group's own permission (approach 2). Each policy is first
// sent as the seed prints it, and refused as AWS refuses it. It prints
// each step's outcome, "ok" or the error's code and message.
const boto3Seed000 = `import boto3, json, sys
endpoint, sec_acct, sec_key, sec_secret, dev_acct, dev_key, dev_secret, bucket = sys.argv[1:9]
suffix = sys.argv[9]

def client(service, key, secret, token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token)

def outcome(f, **kw):
    try:
        f(**kw)
        return "ok"
    except Exception as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]

dev_iam, dev_s3 = client("iam", dev_key, dev_secret), client("s3", dev_key, dev_secret)
sec_iam = client("iam", sec_key, sec_secret)
out = {}
dev_s3.create_bucket(Bucket=bucket)
dev_s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n1,2\n")

# Approach 1: a role in the trusting (development) account.
seed_trust = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:Developers" }, "Action": ["sts:AssumeRole"], "Condition": {}}]}' % sec_acct
out["create-role as the seed writes it"] = outcome(dev_iam.create_role, RoleName="allow-s3-full-access-" + suffix, AssumeRolePolicyDocument=seed_trust)
trust = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": ["sts:AssumeRole"], "Condition": {}}]}' % sec_acct
role_arn = dev_iam.create_role(RoleName="allow-s3-full-access-" + suffix, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
dev_iam.attach_role_policy(RoleName="allow-s3-full-access-" + suffix, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")

sec_iam.create_group(GroupName="Developers-" + suffix)
seed_assume = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": "%s",}]}' % role_arn
out["put-group-policy as the seed writes it"] = outcome(sec_iam.put_group_policy, GroupName="Developers-" + suffix, PolicyName="assume", PolicyDocument=seed_assume)
sec_iam.put_group_policy(GroupName="Developers-" + suffix, PolicyName="assume", PolicyDocument=seed_assume.replace('",}', '"}'))
sec_iam.create_user(UserName="dev-user-" + suffix)
sec_iam.add_user_to_group(GroupName="Developers-" + suffix, UserName="dev-user-" + suffix)
key = sec_iam.create_access_key(UserName="dev-user-" + suffix)["AccessKey"]
user_sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
creds = user_sts.assume_role(RoleArn=role_arn, RoleSessionName="developer")["Credentials"]
role_s3 = client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
role_iam = client("iam", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
out["role: list the bucket"] = outcome(role_s3.list_objects_v2, Bucket=bucket)
out["role: write to the bucket"] = outcome(role_s3.put_object, Bucket=bucket, Key="from-role.txt", Body=b"hi")
out["role: other resources of the account"] = outcome(role_iam.list_users)

# Approach 2: a bucket policy, and the group's own permission.
seed_bucket_policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal" : {"AWS": "arn:aws:iam::%s:Developers" }, "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::%s, arn:aws:s3:::%s/*",}]}' % (sec_acct, bucket, bucket)
out["put-bucket-policy as the seed writes it"] = outcome(dev_s3.put_bucket_policy, Bucket=bucket, Policy=seed_bucket_policy)
one_string = seed_bucket_policy.replace('",}', '"}').replace(":Developers", ":root")
out["put-bucket-policy with both ARNs in one string"] = outcome(dev_s3.put_bucket_policy, Bucket=bucket, Policy=one_string)
bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % sec_acct},
    "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::%s/*" % bucket]}]})
dev_s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy)
user_s3 = client("s3", key["AccessKeyId"], key["SecretAccessKey"])
out["user: read before its group may"] = outcome(user_s3.get_object, Bucket=bucket, Key="report.csv")
group_read = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
    "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::%s/*" % bucket]}]})
sec_iam.put_group_policy(GroupName="Developers-" + suffix, PolicyName="read-dev-bucket", PolicyDocument=group_read)
out["user: list the bucket"] = outcome(user_s3.list_objects_v2, Bucket=bucket)
out["user: read an object"] = outcome(user_s3.get_object, Bucket=bucket, Key="report.csv")
out["user: write an object"] = outcome(user_s3.put_object, Bucket=bucket, Key="from-user.txt", Body=b"hi")
print(json.dumps(out, indent=0, sort_keys=True))
`

// Seed 000 with each boto3 (the accounts' roles are played by the
// management account, as the security account, and a member account, as
// the development account).
func TestBoto3Seed000(t *testing.T) {
	s := start(t, t.TempDir())
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			suffix := string(rune('a' + i))
			dev, devKey, devSecret := s.account(t, "Development-"+suffix)
			bucket := "development-reports-" + suffix
			got := steps(t, py, boto3Seed000, s.Endpoint, s.Root.AccountId, s.Root.AccessKeyId, s.Root.SecretAccessKey,
				dev, devKey, devSecret, bucket, suffix)
			want := map[string]string{
				"create-role as the seed writes it":              `MalformedPolicyDocument: Invalid principal in policy: "AWS":"arn:aws:iam::` + s.Root.AccountId + `:Developers"`,
				"put-group-policy as the seed writes it":         "MalformedPolicyDocument: This policy contains invalid Json",
				"role: list the bucket":                          "ok",
				"role: write to the bucket":                      "ok",
				"role: other resources of the account":           "AccessDenied",
				"put-bucket-policy as the seed writes it":        "MalformedPolicy",
				"put-bucket-policy with both ARNs in one string": "MalformedPolicy: Policy has invalid resource",
				"user: read before its group may":                "AccessDenied",
				"user: list the bucket":                          "ok",
				"user: read an object":                           "ok",
				"user: write an object":                          "AccessDenied",
			}
			wantSteps(t, got, want)
		})
	}
}

// steps runs a boto3 script that prints a JSON object of its steps'
// outcomes ("ok", or an error's code and message) and returns it.
func steps(t *testing.T, py client, script string, args ...string) map[string]string {
	t.Helper()
	out, stderr, err := run(t, cleanEnv(t), py.path, append([]string{"-c", script}, args...)...)
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("boto3 printed %q", out)
	}
	return got
}

// wantSteps checks that each step's outcome starts as want says.
func wantSteps(t *testing.T, got, want map[string]string) {
	t.Helper()
	for step, w := range want {
		if g := got[step]; !strings.HasPrefix(g, w) {
			t.Errorf("%s: %q, want it to start %q", step, g, w)
		}
	}
}
