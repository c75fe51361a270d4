package e2e

import "testing"

// boto3Seed002 follows seed 002 step by step with boto3: production's
// bucket and its policy for the staging account, a customer managed
// policy for StageRole, StageAdmin in staging allowed to assume it, the
// role's credentials reading Sunset.jpg, and the alternative through the
// bucket policy alone. The bucket policy is first sent with the page's
// typographic quotes, and as a file name without file:// (a common slip).
const boto3Seed002 = `import boto3, json, sys
endpoint, stage_acct, stage_key, stage_secret, prod_acct, prod_key, prod_secret, bucket = sys.argv[1:9]

def client(service, key, secret, token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-west-2", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token)

def outcome(f, **kw):
    try:
        f(**kw)
        return "ok"
    except Exception as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]

out = {}
prod_s3, prod_iam = client("s3", prod_key, prod_secret), client("iam", prod_key, prod_secret)
stage_iam = client("iam", stage_key, stage_secret)

# Stage 1, in the production account: the bucket, its policy, the role.
prod_s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
prod_s3.put_object(Bucket=bucket, Key="Sunset.jpg", Body=b"a sunset over the sea", ContentType="image/jpeg")
curly = "{\n\u201cVersion\u201d: \u201c2012-10-17\u201d,\n\u201cStatement\u201d: []\n}"
out["bucket policy with the page's curly quotes"] = outcome(prod_s3.put_bucket_policy, Bucket=bucket, Policy=curly)
out["bucket policy given as a file name"] = outcome(prod_s3.put_bucket_policy, Bucket=bucket, Policy="policy.json")
prod_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "Grant permissions to Staging Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % stage_acct},
    "Action": ["s3:GetBucketLocation", "s3:ListBucket"], "Resource": ["arn:aws:s3:::" + bucket]}]}))
read_policy = prod_iam.create_policy(PolicyName="read-" + bucket, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}]}))["Policy"]["Arn"]
role_arn = prod_iam.create_role(RoleName="StageRole", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % stage_acct}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
prod_iam.attach_role_policy(RoleName="StageRole", PolicyArn=read_policy)

# Stage 2, in the staging account: StageAdmin may assume the role.
stage_iam.create_user(UserName="StageAdmin")
stage_iam.put_user_policy(UserName="StageAdmin", PolicyName="assume-stage-role", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": "arn:aws:iam::%s:role/StageRole" % prod_acct}]}))
key = stage_iam.create_access_key(UserName="StageAdmin")["AccessKey"]

# Stage 3: the role's temporary credentials read the object.
creds = client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(RoleArn=role_arn, RoleSessionName="test")["Credentials"]
temp = client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
got = temp.get_object(Bucket=bucket, Key="Sunset.jpg")
out["role: get-object Sunset.jpg"] = got["Body"].read().decode()
out["role: head-object Sunset.jpg"] = temp.head_object(Bucket=bucket, Key="Sunset.jpg")["ContentType"]
out["role: write"] = outcome(temp.put_object, Bucket=bucket, Key="x.jpg", Body=b"x")
out["role: list (the bucket policy names the staging account, not the role)"] = outcome(temp.list_objects_v2, Bucket=bucket)

# The alternative: StageAdmin itself, through the bucket policy.
user = client("s3", key["AccessKeyId"], key["SecretAccessKey"])
out["user: list without an identity policy"] = outcome(user.list_objects_v2, Bucket=bucket)
stage_iam.put_user_policy(UserName="StageAdmin", PolicyName="list-prod", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::" + bucket}]}))
out["user: list"] = outcome(user.list_objects_v2, Bucket=bucket)
out["user: location"] = user.get_bucket_location(Bucket=bucket)["LocationConstraint"]
out["user: read an object (the bucket policy does not grant it)"] = outcome(user.get_object, Bucket=bucket, Key="Sunset.jpg")
print(json.dumps(out, indent=0, sort_keys=True))
`

// Seed 002 with each boto3, production and staging being two member
// accounts.
func TestBoto3Seed002(t *testing.T) {
	s := start(t, t.TempDir())
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			suffix := string(rune('a' + i))
			prod, prodKey, prodSecret := s.account(t, "Production-"+suffix)
			stage, stageKey, stageSecret := s.account(t, "Staging-"+suffix)
			bucket := "production-test-bucket-101-" + suffix
			got := steps(t, py, boto3Seed002, s.Endpoint, stage, stageKey, stageSecret, prod, prodKey, prodSecret, bucket)
			want := map[string]string{
				"bucket policy with the page's curly quotes": "MalformedPolicy: This policy contains invalid Json",
				"bucket policy given as a file name":         "MalformedPolicy: Policies must be valid JSON and the first byte must be '{'",
				"role: get-object Sunset.jpg":                "a sunset over the sea",
				"role: head-object Sunset.jpg":               "image/jpeg",
				"role: write":                                "AccessDenied: User: arn:aws:sts::" + prod + ":assumed-role/StageRole/test is not authorized to perform: s3:PutObject",
				"role: list (the bucket policy names the staging account, not the role)": "AccessDenied",
				"user: list without an identity policy": "AccessDenied: User: arn:aws:iam::" + stage + ":user/StageAdmin is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::" + bucket +
					"\" because no identity-based policy allows the s3:ListBucket action", // the same organization: explained (note 38)
				"user: list":     "ok",
				"user: location": "us-west-2",
				"user: read an object (the bucket policy does not grant it)": "AccessDenied",
			}
			wantSteps(t, got, want)
		})
	}
}
