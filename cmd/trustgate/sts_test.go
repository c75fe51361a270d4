package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/trustgate/trustgate/datadir"
)

// createAccount creates a member account with Organizations CreateAccount
// and an IAM user there with AdministratorAccess, made through
// OrganizationAccountAccessRole, and returns that user's key: a member
// account's root user has no access key.
func (ts *testServer) createAccount(t *testing.T, name string) *datadir.RootCredentials {
	t.Helper()
	ctx := t.Context()
	id := createAccount(t, ts.rootOrg(), name)
	if ts.admin == nil {
		ts.admin = ts.administrator(t)
	}
	_, admin := ts.sessionClients(intoAccount(t, ts.admin, id))
	mustDo(t, "CreateUser(admin) in "+name, func() error {
		_, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")})
		return err
	})
	mustDo(t, "AttachUserPolicy(admin) in "+name, func() error {
		_, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		return err
	})
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	return &datadir.RootCredentials{AccountId: id, AccessKeyId: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
}

func (ts *testServer) sessionClients(c *ststypes.Credentials) (*sts.Client, *iam.Client) {
	provider := credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	httpClient := ts.httpClient(10 * time.Second)
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Endpoint), Credentials: provider, HTTPClient: httpClient}),
		iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Endpoint), Credentials: provider, HTTPClient: httpClient})
}

// crossAccount sets up seeds 002 and 003: a production account whose
// StageRole trusts the staging account (here the management account) and
// has ReadOnlyAccess, and a staging user "tester" allowed to assume it. It
// returns the role's ARN and the production account's root credentials.
func crossAccount(t *testing.T, ts *testServer) (roleARN string, prod *datadir.RootCredentials) {
	t.Helper()
	ctx := t.Context()
	prod = ts.createAccount(t, "Production")
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Root.AccountId + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := prodIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("StageRole"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, "AttachRolePolicy", func() error {
		_, err := prodIAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("StageRole"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		return err
	})
	roleARN = aws.ToString(role.Role.Arn)

	root := ts.rootIAM()
	ts.newUser(t, "tester")
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("tester"), PolicyName: aws.String("AssumeStageRole"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"` + roleARN + `"}]}`)})
		return err
	})
	return roleARN, prod
}

func TestAssumeRoleAcrossAccounts(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	tester := ts.userSTS(t, "tester")

	out, err := tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("test")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	wantARN := "arn:aws:sts::" + prod.AccountId + ":assumed-role/StageRole/test"
	if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") ||
		!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":test") ||
		!strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
		t.Errorf("AssumeRole = %+v %+v", out.AssumedRoleUser, out.Credentials)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("credentials expire in %v, want the default hour", d)
	}

	sessionSTS, sessionIAM := ts.sessionClients(out.Credentials)
	id, err := sessionSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != prod.AccountId {
		t.Errorf("GetCallerIdentity with the session = %v, %v", id, err)
	}
	// ReadOnlyAccess: reads in the production account, no writes.
	if _, err := sessionIAM.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles under ReadOnlyAccess: %v", err)
	}
	_, err = sessionIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("intruder")})
	wantAPIError(t, "CreateUser under ReadOnlyAccess", err, "AccessDenied",
		"User: "+wantARN+" is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+prod.AccountId+":user/intruder")

	// An altered session token is refused.
	bad := *out.Credentials
	token := []byte(aws.ToString(bad.SessionToken))
	token[len(token)/2] ^= 1
	bad.SessionToken = aws.String(string(token))
	badSTS, _ := ts.sessionClients(&bad)
	_, err = badSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, "GetCallerIdentity with an altered token", err, "InvalidClientTokenId", "")
}

// userSTS returns an STS client with a new access key of the user.
func (ts *testServer) userSTS(t *testing.T, user string) *sts.Client {
	t.Helper()
	key := ts.accessKey(t, user)
	return ts.stsClient(key.id, key.secret)
}

// The ways an AssumeRole fails, as AWS fails them.
func TestAssumeRoleDenials(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	tester := ts.userSTS(t, "tester")
	ts.newUser(t, "nobody")
	nobody := ts.userSTS(t, "nobody")
	acct := ts.Root.AccountId

	_, err := nobody.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantAPIError(t, "AssumeRole without sts:AssumeRole", err, "AccessDenied",
		"User: arn:aws:iam::"+acct+":user/nobody is not authorized to perform: sts:AssumeRole on resource: "+roleARN+
			" because no identity-based policy allows the sts:AssumeRole action")

	_, err = ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantAPIError(t, "AssumeRole as root", err, "AccessDenied", "Roles may not be assumed by root accounts.")

	missing := "arn:aws:iam::" + prod.AccountId + ":role/NoSuchRole"
	_, err = tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(missing), RoleSessionName: aws.String("s1")})
	wantAPIError(t, "AssumeRole of a role that does not exist", err, "AccessDenied", "is not authorized to perform: sts:AssumeRole on resource: "+missing)

	_, err = tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, "AssumeRole beyond MaxSessionDuration", err, "ValidationError", "exceeds the MaxSessionDuration set for this role")

	_, err = tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("bad name")})
	wantAPIError(t, "AssumeRole with a space in the session name", err, "ValidationError", "roleSessionName")
	_, err = tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s")})
	wantAPIError(t, "AssumeRole with a one-character session name", err, "ValidationError", "Member must have length greater than or equal to 2")

	// A trust policy naming another account does not admit this one.
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	mustDo(t, "UpdateAssumeRolePolicy", func() error {
		_, err := prodIAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("StageRole"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}`)})
		return err
	})
	_, err = tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantAPIError(t, "AssumeRole when the trust policy names another account", err, "AccessDenied",
		"because no resource-based policy allows the sts:AssumeRole action")
}

// A role session assuming a role is role chaining, capped at one hour.
func TestRoleChaining(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	// A second role in production trusts StageRole's sessions.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN + `"},"Action":"sts:AssumeRole"}]}`
	second, err := prodIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Auditor"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(43200)})
	if err != nil {
		t.Fatal(err)
	}
	first, err := ts.userSTS(t, "tester").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("hop1")})
	if err != nil {
		t.Fatal(err)
	}
	sessionSTS, _ := ts.sessionClients(first.Credentials)
	_, err = sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: second.Role.Arn, RoleSessionName: aws.String("hop2"), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, "chained AssumeRole for two hours", err, "ValidationError", "1 hour session limit for roles assumed by role chaining")
	out, err := sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: second.Role.Arn, RoleSessionName: aws.String("hop2")})
	if err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	if want := "arn:aws:sts::" + prod.AccountId + ":assumed-role/Auditor/hop2"; aws.ToString(out.AssumedRoleUser.Arn) != want {
		t.Errorf("chained session = %s, want %s", aws.ToString(out.AssumedRoleUser.Arn), want)
	}
}

// A role session's aws:PrincipalTag holds the role's tags.
func TestSessionCarriesRoleTags(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Root.AccountId + `:root"},"Action":"sts:AssumeRole"}]}`
	_, err := prodIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("DataRole"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, "PutRolePolicy", func() error {
		_, err := prodIAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("DataRole"), PolicyName: aws.String("own-team"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}`)})
		return err
	})
	root := ts.rootIAM()
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("tester"), PolicyName: aws.String("AssumeAny"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)})
		return err
	})
	out, err := ts.userSTS(t, "tester").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(strings.Replace(roleARN, "StageRole", "DataRole", 1)), RoleSessionName: aws.String("tags")})
	if err != nil {
		t.Fatal(err)
	}
	_, sessionIAM := ts.sessionClients(out.Credentials)
	if _, err := sessionIAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("DataRole")}); err != nil {
		t.Errorf("GetRole allowed only to aws:PrincipalTag/team=data: %v", err)
	}
}

// A permissions boundary caps a role's sessions; removing it lifts the cap.
func TestRolePermissionsBoundary(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	mustDo(t, "AttachRolePolicy", func() error {
		_, err := prodIAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("StageRole"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		return err
	})
	mustDo(t, "PutRolePermissionsBoundary", func() error {
		_, err := prodIAM.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("StageRole"),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
		return err
	})
	tester := ts.userSTS(t, "tester")
	session := func() *iam.Client {
		out, err := tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("bounded")})
		if err != nil {
			t.Fatal(err)
		}
		_, c := ts.sessionClients(out.Credentials)
		return c
	}
	bounded := session()
	if _, err := bounded.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles within the boundary: %v", err)
	}
	_, err := bounded.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantAPIError(t, "CreateUser beyond the boundary", err, "AccessDenied", "because no permissions boundary allows the iam:CreateUser action")

	mustDo(t, "DeleteRolePermissionsBoundary", func() error {
		_, err := prodIAM.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("StageRole")})
		return err
	})
	if _, err := bounded.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Errorf("CreateUser once the boundary is gone: %v", err)
	}
}

func TestRoleTags(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ts.Root.AccountId + `"},"Action":"sts:AssumeRole"}]}`
	mustDo(t, "CreateRole", func() error {
		_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Tagged"), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	mustDo(t, "TagRole", func() error {
		_, err := root.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Tagged"), Tags: []iamtypes.Tag{
			{Key: aws.String("team"), Value: aws.String("data")}, {Key: aws.String("env"), Value: aws.String("prod")}}})
		return err
	})
	mustDo(t, "UntagRole", func() error {
		_, err := root.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Tagged"), TagKeys: []string{"env"}})
		return err
	})
	out, err := root.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Tagged")})
	if err != nil || len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "team" || aws.ToString(out.Tags[0].Value) != "data" {
		t.Errorf("ListRoleTags = %v, %v; want team=data alone", out, err)
	}
	mustDo(t, "UpdateRole", func() error {
		_, err := root.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Tagged"), Description: aws.String("tagged role"), MaxSessionDuration: aws.Int32(7200)})
		return err
	})
	got, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Tagged")})
	if err != nil || aws.ToString(got.Role.Description) != "tagged role" || aws.ToInt32(got.Role.MaxSessionDuration) != 7200 {
		t.Errorf("GetRole after UpdateRole = %+v, %v", got, err)
	}
}

// Notes 18 and 54: GetFederationToken makes a federated user of an IAM
// user, allowed what both the user's policies and the session policy
// allow (nothing without one, but what a resource policy grants the
// federated user itself), who may call no IAM and no STS but
// GetCallerIdentity.
func TestGetFederationToken(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	ts.newUser(t, "broker")
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("broker"), PolicyName: aws.String("federate"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","s3:*"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	s3c := ts.rootS3()
	for _, b := range []string{"reports", "ledgers"} {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		put(t, s3c, b, "q1.csv", b)
	}
	broker := ts.userSTS(t, "broker")
	readReports := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	fed, err := broker.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("ana"), Policy: aws.String(readReports), DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatalf("GetFederationToken: %v", err)
	}
	if aws.ToString(fed.FederatedUser.Arn) != "arn:aws:sts::"+acct+":federated-user/ana" || aws.ToString(fed.FederatedUser.FederatedUserId) != acct+":ana" ||
		fed.PackedPolicySize == nil || time.Until(*fed.Credentials.Expiration) > time.Hour+time.Minute {
		t.Errorf("GetFederationToken = %+v", fed)
	}
	fedSTS, fedIAM := ts.sessionClients(fed.Credentials)
	who, err := fedSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::"+acct+":federated-user/ana" || aws.ToString(who.UserId) != acct+":ana" {
		t.Errorf("GetCallerIdentity as the federated user = %+v, %v", who, err)
	}
	fedS3 := ts.sessionS3(fed.Credentials)
	if got, err := get(t, fedS3, "reports", "q1.csv"); err != nil || got != "reports" {
		t.Errorf("GetObject the session policy allows = %q, %v", got, err)
	}
	_, err = get(t, fedS3, "ledgers", "q1.csv")
	wantAPIError(t, "GetObject the session policy does not allow", err, "AccessDenied", "")
	_, err = fedIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, "ListUsers as a federated user", err, "InvalidClientTokenId", "")
	_, err = fedSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, "GetSessionToken as a federated user", err, "AccessDenied", "federated user")

	// Without a session policy, only a resource policy naming the
	// federated user grants anything.
	bare, err := broker.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bo")})
	if err != nil {
		t.Fatal(err)
	}
	bareS3 := ts.sessionS3(bare.Credentials)
	_, err = get(t, bareS3, "reports", "q1.csv")
	wantAPIError(t, "GetObject by a federated user without a session policy", err, "AccessDenied", "")
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("ledgers"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::` + acct +
			`:federated-user/bo"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::ledgers/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if got, err := get(t, bareS3, "ledgers", "q1.csv"); err != nil || got != "ledgers" {
		t.Errorf("GetObject a bucket policy grants the federated user = %q, %v", got, err)
	}

	// The root user's federated user has what its session policy allows,
	// for an hour at most.
	rootFed, err := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey).GetFederationToken(ctx,
		&sts.GetFederationTokenInput{Name: aws.String("ops"), Policy: aws.String(readReports), DurationSeconds: aws.Int32(7200)})
	if err != nil || time.Until(*rootFed.Credentials.Expiration) > time.Hour+time.Minute {
		t.Fatalf("GetFederationToken as root = %+v, %v; want an hour at most", rootFed, err)
	}
	if got, err := get(t, ts.sessionS3(rootFed.Credentials), "reports", "q1.csv"); err != nil || got != "reports" {
		t.Errorf("GetObject by root's federated user = %q, %v", got, err)
	}
	_, err = get(t, ts.sessionS3(rootFed.Credentials), "ledgers", "q1.csv")
	wantAPIError(t, "GetObject outside the session policy of root's federated user", err, "AccessDenied", "")

	// Refusals.
	_, err = broker.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("a")})
	wantAPIError(t, "GetFederationToken with a one-letter name", err, "ValidationError", "greater than or equal to 2")
	_, err = fedSTS.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("again")})
	wantAPIError(t, "GetFederationToken with federated credentials", err, "AccessDenied", "")
	ts.newUser(t, "plain")
	_, err = ts.userSTS(t, "plain").GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("eve")})
	wantAPIError(t, "GetFederationToken by a user not allowed it", err, "AccessDenied", "sts:GetFederationToken")
}

// Note 74: GetAccessKeyInfo names the account of any access key id, the
// installation's own, a session's of another account, or AWS's, for a
// caller allowed sts:GetAccessKeyInfo.
func TestGetAccessKeyInfo(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	tester := ts.userSTS(t, "tester")
	session, err := tester.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("audit")})
	if err != nil {
		t.Fatal(err)
	}
	root := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey)
	for id, want := range map[string]string{
		ts.Root.AccessKeyId: ts.Root.AccountId,
		prod.AccessKeyId:    prod.AccountId,
		aws.ToString(session.Credentials.AccessKeyId): prod.AccountId,
		"AKIAIOSFODNN7EXAMPLE":                        "581039954779",
	} {
		info, err := root.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil || aws.ToString(info.Account) != want {
			t.Errorf("GetAccessKeyInfo(%s) = %v, %v; want %s", id, info, err, want)
		}
	}
	for _, bad := range []struct{ id, code, msg string }{
		{"AKIASHORT", "ValidationError", "greater than or equal to 16"},
		{"AKIA-IOSFODNN7EXAMPLE", "ValidationError", "regular expression pattern"},
		{"AKIA0000000000000000", "InvalidParameterValue", "is not an access key ID"},
	} {
		_, err := root.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(bad.id)})
		wantAPIError(t, "GetAccessKeyInfo("+bad.id+")", err, bad.code, bad.msg)
	}
	// The tester may assume the role, nothing else.
	_, err = tester.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(ts.Root.AccessKeyId)})
	wantAPIError(t, "GetAccessKeyInfo by a user not allowed it", err, "AccessDenied", "is not authorized to perform: sts:GetAccessKeyInfo")
}
