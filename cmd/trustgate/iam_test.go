package main

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func (ts *testServer) iamClient(id, secret string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		HTTPClient:   ts.httpClient(10 * time.Second),
	})
}

func (ts *testServer) rootIAM() *iam.Client {
	return ts.iamClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey)
}

// newUser creates an IAM user with an access key and returns its client.
func (ts *testServer) newUser(t *testing.T, name string) *iam.Client {
	t.Helper()
	root := ts.rootIAM()
	if _, err := root.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser(%s): %v", name, err)
	}
	key, err := root.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey(%s): %v", name, err)
	}
	return ts.iamClient(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
}

// userKey is an access key's id and secret.
type userKey struct{ id, secret string }

// accessKey makes a new access key of the user.
func (ts *testServer) accessKey(t *testing.T, user string) userKey {
	t.Helper()
	key, err := ts.rootIAM().CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	return userKey{aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)}
}

// wantAPIError checks that err is the AWS error code, with a message
// containing msg.
func wantAPIError(t *testing.T, call string, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code || !strings.Contains(apiErr.ErrorMessage(), msg) {
		t.Errorf("%s = %v; want %s containing %q", call, err, code, msg)
	}
}

// A user without policies can do nothing; a group's policy grants its
// members; an explicit deny wins; every change holds on the next request.
func TestIAMAuthorization(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	alice := ts.newUser(t, "alice")
	acct := ts.Root.AccountId

	_, err := alice.ListUsers(t.Context(), &iam.ListUsersInput{})
	wantAPIError(t, "ListUsers with no policy", err, "AccessDenied",
		"User: arn:aws:iam::"+acct+":user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"+acct+
			":user/ because no identity-based policy allows the iam:ListUsers action")

	mustDo(t, "CreateGroup", func() error {
		_, err := root.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("Developers")})
		return err
	})
	mustDo(t, "AddUserToGroup", func() error {
		_, err := root.AddUserToGroup(t.Context(), &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("alice")})
		return err
	})
	mustDo(t, "PutGroupPolicy", func() error {
		_, err := root.PutGroupPolicy(t.Context(), &iam.PutGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("ReadIAM"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","iam:Get*"],"Resource":"*"}]}`)})
		return err
	})
	out, err := alice.ListUsers(t.Context(), &iam.ListUsersInput{})
	if err != nil || len(out.Users) != 1 || aws.ToString(out.Users[0].UserName) != "alice" {
		t.Fatalf("ListUsers through the group's policy = %v, %v", out, err)
	}
	_, err = alice.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantAPIError(t, "CreateUser with read-only rights", err, "AccessDenied", "iam:CreateUser on resource: arn:aws:iam::"+acct+":user/mallory")

	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("NoListing"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"NoListing","Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}`)})
		return err
	})
	_, err = alice.ListUsers(t.Context(), &iam.ListUsersInput{})
	wantAPIError(t, "ListUsers under an explicit deny", err, "AccessDenied", "with an explicit deny in an identity-based policy")
	if _, err := alice.GetUser(t.Context(), &iam.GetUserInput{}); err != nil {
		t.Errorf("GetUser of oneself, still allowed by the group: %v", err)
	}
}

func mustDo(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// IAM's errors for the mistakes users make, with AWS's codes.
func TestIAMErrors(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	ctx := t.Context()
	// GetUser without a name, as root, describes the account, made when
	// the account was.
	if me, err := root.GetUser(ctx, &iam.GetUserInput{}); err != nil || aws.ToString(me.User.Arn) != "arn:aws:iam::"+acct+":root" ||
		me.User.CreateDate == nil || time.Since(*me.User.CreateDate) > time.Hour {
		t.Errorf("GetUser as root = %+v, %v; want the root user, made with its account", me, err)
	}
	mustDo(t, "CreateUser", func() error {
		_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
		return err
	})
	_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("BOB")})
	wantAPIError(t, "CreateUser(BOB) after bob", err, "EntityAlreadyExists", "User with name BOB already exists.")
	_, err = root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantAPIError(t, "GetUser(nobody)", err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("has space")})
	wantAPIError(t, "CreateUser(has space)", err, "ValidationError", "failed to satisfy constraint")

	for i := range 2 {
		if _, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}); err != nil {
			t.Fatalf("CreateAccessKey %d: %v", i+1, err)
		}
	}
	_, err = root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	wantAPIError(t, "a third CreateAccessKey", err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	wantAPIError(t, "DeleteUser with keys", err, "DeleteConflict", "access keys")

	// Seed 000's mistake: a group cannot be a principal.
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("allow-s3-full-access"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct +
			`:group/Developers"},"Action":["sts:AssumeRole"],"Condition":{}}]}`)})
	wantAPIError(t, "CreateRole trusting a group", err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::`+acct+`:group/Developers"`)
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]}`)})
	wantAPIError(t, "PutUserPolicy with s3:Get:Object", err, "MalformedPolicyDocument", "Actions/Condition can contain only one colon.")
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("big"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` +
			strings.Repeat("b", 2100) + `"}]}`)})
	wantAPIError(t, "PutUserPolicy over 2,048 characters", err, "LimitExceeded", "2048")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	wantAPIError(t, "AttachUserPolicy of an unknown policy", err, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
}

// A role keeps its trust policy as written, returned URL-encoded as IAM
// does, and can be updated.
func TestIAMRoles(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}`
	created, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("StageRole"), Path: aws.String("/cross/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	r := created.Role
	if !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || aws.ToString(r.Arn) != "arn:aws:iam::"+ts.Root.AccountId+":role/cross/StageRole" ||
		aws.ToInt32(r.MaxSessionDuration) != 7200 {
		t.Errorf("CreateRole = %+v", r)
	}
	got, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("stagerole")})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	if doc != trust {
		t.Errorf("GetRole trust policy = %q, want %q", doc, trust)
	}
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("TooLong"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(43201)})
	wantAPIError(t, "CreateRole with MaxSessionDuration 43201", err, "ValidationError", "3600 and 43200")
	_, err = root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("StageRole"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::production-test-bucket-101/*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	names, err := root.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("StageRole")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "read" {
		t.Errorf("ListRolePolicies = %v, %v", names, err)
	}
	_, err = root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("StageRole")})
	wantAPIError(t, "DeleteRole with a policy", err, "DeleteConflict", "inline policies")
}

// AWS managed policies attach by ARN and grant what they are named for.
func TestManagedPolicies(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	reader := ts.newUser(t, "reader")
	mustDo(t, "AttachUserPolicy(IAMReadOnlyAccess)", func() error {
		_, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
		return err
	})
	if _, err := reader.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers under IAMReadOnlyAccess: %v", err)
	}
	_, err := reader.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("x")})
	wantAPIError(t, "CreateGroup under IAMReadOnlyAccess", err, "AccessDenied", "no identity-based policy allows the iam:CreateGroup action")
	attached, err := root.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("reader")})
	if err != nil || len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyName) != "IAMReadOnlyAccess" {
		t.Errorf("ListAttachedUserPolicies = %v, %v", attached, err)
	}
	mustDo(t, "DetachUserPolicy", func() error {
		_, err := root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
		return err
	})
	_, err = reader.ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, "ListUsers after the detach", err, "AccessDenied", "iam:ListUsers")
}

// Listings page with MaxItems and Marker, as the SDK paginators expect.
func TestIAMPaging(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	for i := range 5 {
		mustDo(t, "CreateUser", func() error {
			_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("user" + string(rune('a'+i)))})
			return err
		})
	}
	var names []string
	pages := 0
	p := iam.NewListUsersPaginator(root, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if pages != 3 || strings.Join(names, ",") != "usera,userb,userc,userd,usere" {
		t.Errorf("paged ListUsers = %d pages %v; want 3 pages of every user in order", pages, names)
	}
	_, err := root.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	wantAPIError(t, "ListUsers with MaxItems 1001", err, "ValidationError", "maxItems")
	_, err = root.ListUsers(ctx, &iam.ListUsersInput{Marker: aws.String("garbage!")})
	wantAPIError(t, "ListUsers with a forged marker", err, "InvalidInput", "Marker")
}

func TestListGroups(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	for _, g := range []string{"Ops", "Developers"} {
		mustDo(t, "CreateGroup", func() error {
			_, err := root.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String(g)})
			return err
		})
	}
	out, err := root.ListGroups(t.Context(), &iam.ListGroupsInput{})
	if err != nil || len(out.Groups) != 2 || aws.ToString(out.Groups[0].GroupName) != "Developers" {
		t.Errorf("ListGroups = %v, %v; want Developers and Ops, by name", out, err)
	}
}

// Note 53: a policy saved with a user or role of a held account as its
// principal must name one that exists, path and all; other accounts'
// principals are taken as written.
func TestPrincipalsMustExist(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/dev/")}); err != nil {
		t.Fatal(err)
	}
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)
	}
	for i, c := range []struct {
		principal string
		ok        bool
	}{
		{"arn:aws:iam::" + acct + ":user/dev/alice", true},
		{"arn:aws:iam::" + acct + ":user/alice", false},     // without her path
		{"arn:aws:iam::" + acct + ":user/dev/Alice", false}, // in other capitals, which would match no one
		{"arn:aws:iam::" + acct + ":user/nosuch", false},
		{"arn:aws:iam::" + acct + ":role/nosuch", false},
		{"arn:aws:iam::" + acct + ":root", true},
		{"arn:aws:iam::123456789012:user/anyone", true}, // an account trustgate does not hold
	} {
		_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r" + strconv.Itoa(i)), AssumeRolePolicyDocument: trust(c.principal)})
		if c.ok && err != nil {
			t.Errorf("CreateRole trusting %s: %v", c.principal, err)
		}
		if !c.ok {
			wantAPIError(t, "CreateRole trusting "+c.principal, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"`+c.principal+`"`)
		}
	}

	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Reader"), AssumeRolePolicyDocument: trust("arn:aws:iam::" + acct + ":root")}); err != nil {
		t.Fatal(err)
	}
	_, err := root.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Reader"), PolicyDocument: trust("arn:aws:iam::" + acct + ":role/Gone")})
	wantAPIError(t, "UpdateAssumeRolePolicy trusting a role that does not exist", err, "MalformedPolicyDocument", "Invalid principal in policy")

	s3c := ts.rootS3()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared-reports")}); err != nil {
		t.Fatal(err)
	}
	bucketPolicy := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal +
			`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-reports/*"}]}`)
	}
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-reports"), Policy: bucketPolicy("arn:aws:iam::" + acct + ":role/Gone")})
	wantAPIError(t, "PutBucketPolicy naming a role that does not exist", err, "MalformedPolicy", "Invalid principal in policy")
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-reports"), Policy: bucketPolicy("arn:aws:iam::" + acct + ":role/Reader")}); err != nil {
		t.Errorf("PutBucketPolicy naming the Reader role: %v", err)
	}
}

// Note 53: a policy keeps its users and roles by their unique ids. It
// follows a user through a rename; once a user or role is deleted it names
// the unique id, and an entity made again under the old name is not
// trusted by it.
func TestPrincipalsKeptByUniqueID(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)
	}
	makeBob := func() {
		t.Helper()
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("assume"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	assume := func(user string) error {
		_, err := ts.userSTS(t, user).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/Deploy"), RoleSessionName: aws.String("deploy")})
		return err
	}
	trustOf := func() string {
		t.Helper()
		r, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Deploy")})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := url.QueryUnescape(aws.ToString(r.Role.AssumeRolePolicyDocument))
		return doc
	}

	makeBob()
	bob, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	oldID := aws.ToString(bob.User.UserId)
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Deploy"), AssumeRolePolicyDocument: trust("arn:aws:iam::" + acct + ":user/bob")}); err != nil {
		t.Fatal(err)
	}
	if err := assume("bob"); err != nil {
		t.Fatalf("bob assuming the role that trusts him: %v", err)
	}

	// Renamed, bob stays trusted, under his new name.
	if _, err := root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	if doc := trustOf(); !strings.Contains(doc, `"arn:aws:iam::`+acct+`:user/robert"`) {
		t.Errorf("trust policy after renaming bob to robert = %s; want it to name robert", doc)
	}
	if err := assume("robert"); err != nil {
		t.Errorf("robert, once bob, assuming the role: %v", err)
	}

	// Deleted, he is his unique id; a new bob is a stranger.
	keys, err := root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("robert")})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.AccessKeyMetadata {
		root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("robert"), AccessKeyId: k.AccessKeyId})
	}
	root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("robert"), PolicyName: aws.String("assume")})
	if _, err := root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	if doc := trustOf(); !strings.Contains(doc, `"AWS":"`+oldID+`"`) {
		t.Errorf("trust policy after deleting robert = %s; want his unique id %s", doc, oldID)
	}
	makeBob()
	if _, err := root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "AssumeRole by a new robert, made after the trusted one was deleted", assume("robert"), "AccessDenied", "")

	// A bucket policy forgets a deleted role the same way.
	s3c := ts.rootS3()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("deploy-artifacts")}); err != nil {
		t.Fatal(err)
	}
	role, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Deploy")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("deploy-artifacts"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct +
			`:role/Deploy"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::deploy-artifacts/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Deploy")}); err != nil {
		t.Fatal(err)
	}
	got, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("deploy-artifacts")})
	if err != nil || !strings.Contains(aws.ToString(got.Policy), `"AWS":"`+aws.ToString(role.Role.RoleId)+`"`) {
		t.Errorf("bucket policy after deleting the Deploy role = %v, %v; want its unique id %s", aws.ToString(got.Policy), err, aws.ToString(role.Role.RoleId))
	}
}
