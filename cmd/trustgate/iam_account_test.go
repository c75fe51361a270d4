package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// A login profile holds a password that meets the default password
// policy (note 41), and stands in the way of deleting its user.
func TestLoginProfiles(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	mustDo(t, "CreateUser", func() error {
		_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
		return err
	})
	for _, weak := range []string{"short1A", "alllowercase", "lowercase123", "Alice"} {
		_, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(weak)})
		wantAPIError(t, "CreateLoginProfile("+weak+")", err, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
	}
	created, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"),
		Password: aws.String("Correct-Horse-7"), PasswordResetRequired: true})
	if err != nil || aws.ToString(created.LoginProfile.UserName) != "alice" || !created.LoginProfile.PasswordResetRequired {
		t.Fatalf("CreateLoginProfile = %+v, %v", created, err)
	}
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-8")})
	wantAPIError(t, "CreateLoginProfile twice", err, "EntityAlreadyExists", "Login Profile for user alice already exists.")
	mustDo(t, "UpdateLoginProfile", func() error {
		_, err := root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Battery-Staple-9"), PasswordResetRequired: aws.Bool(false)})
		return err
	})
	got, err := root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")})
	if err != nil || got.LoginProfile.PasswordResetRequired || aws.ToString(got.LoginProfile.UserName) != "alice" {
		t.Errorf("GetLoginProfile after the update = %+v, %v", got, err)
	}
	long := strings.Repeat("Aa1-é", 25) // 125 characters, 150 bytes: past bcrypt's 72
	mustDo(t, "UpdateLoginProfile(a 125-character password)", func() error {
		_, err := root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(long)})
		return err
	})
	_, err = root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("weak")})
	wantAPIError(t, "UpdateLoginProfile(weak)", err, "PasswordPolicyViolation", "password policy")
	if strings.Contains(ts.Logs.String(), "Battery-Staple-9") || strings.Contains(ts.Logs.String(), "Correct-Horse-7") {
		t.Error("a password is in the request log")
	}
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantAPIError(t, "DeleteUser with a login profile", err, "DeleteConflict", "login profile")
	mustDo(t, "DeleteLoginProfile", func() error {
		_, err := root.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("alice")})
		return err
	})
	_, err = root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")})
	wantAPIError(t, "GetLoginProfile after delete", err, "NoSuchEntity", "Login Profile for User alice cannot be found.")
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("nobody"), Password: aws.String("Correct-Horse-7")})
	wantAPIError(t, "CreateLoginProfile(unknown user)", err, "NoSuchEntity", "The user with name nobody cannot be found.")
}

// An account has one alias at most, and an alias belongs to one account.
func TestAccountAliases(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	other := ts.createAccount(t, "Staging")
	otherIAM := ts.iamClient(other.AccessKeyId, other.SecretAccessKey)
	for _, bad := range []string{"Upper", "a", "two--hyphens", "-edge", "under_score"} {
		_, err := root.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String(bad)})
		wantAPIError(t, "CreateAccountAlias("+bad+")", err, "ValidationError", "accountAlias")
	}
	mustDo(t, "CreateAccountAlias", func() error {
		_, err := root.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-corp")})
		return err
	})
	_, err := otherIAM.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-corp")})
	wantAPIError(t, "CreateAccountAlias(another account's)", err, "EntityAlreadyExists", "The account alias example-corp already exists.")
	mustDo(t, "CreateAccountAlias(a second one)", func() error {
		_, err := root.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-prod")})
		return err
	})
	list, err := root.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || strings.Join(list.AccountAliases, ",") != "example-prod" {
		t.Errorf("ListAccountAliases = %+v, %v; want the new alias only", list, err)
	}
	mustDo(t, "CreateAccountAlias(the alias given up)", func() error {
		_, err := otherIAM.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-corp")})
		return err
	})
	_, err = root.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("example-corp")})
	wantAPIError(t, "DeleteAccountAlias(another account's)", err, "NoSuchEntity", "The account alias example-corp cannot be found.")
	alice := ts.newUser(t, "alice")
	_, err = alice.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	wantAPIError(t, "ListAccountAliases without permission", err, "AccessDenied", "iam:ListAccountAliases")
}

// GetAccountAuthorizationDetails describes every entity with its
// policies, paged across kinds, and the AWS managed policies in use.
func TestAccountAuthorizationDetails(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	acct := ts.Root.AccountId
	ts.newUser(t, "alice")
	steps := []func() error{
		func() error {
			_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Developers")})
			return err
		},
		func() error {
			_, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("list"), PolicyDocument: aws.String(listUsersDoc)})
			return err
		},
		func() error {
			_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Ops"),
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`)})
			return err
		},
		func() error {
			_, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Listing"), PolicyDocument: aws.String(listUsersDoc)})
			return err
		},
	}
	for i, step := range steps {
		mustDo(t, "setup step "+string(rune('1'+i)), step)
	}
	var users []iamtypes.UserDetail
	var groups []iamtypes.GroupDetail
	var roles []iamtypes.RoleDetail
	var policies []iamtypes.ManagedPolicyDetail
	pages := 0
	for p := iam.NewGetAccountAuthorizationDetailsPaginator(root, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		users, groups = append(users, out.UserDetailList...), append(groups, out.GroupDetailList...)
		roles, policies = append(roles, out.RoleDetailList...), append(policies, out.Policies...)
	}
	if pages != 3 || len(users) != 1 || len(groups) != 1 || len(roles) != 1 || len(policies) != 2 {
		t.Fatalf("%d pages of %d users, %d groups, %d roles, %d policies; want 3 pages of 1, 1, 1 and 2 (Listing and ReadOnlyAccess)",
			pages, len(users), len(groups), len(roles), len(policies))
	}
	if len(users[0].GroupList) != 1 || users[0].GroupList[0] != "Developers" {
		t.Errorf("alice's groups = %v", users[0].GroupList)
	}
	if len(groups[0].GroupPolicyList) != 1 || aws.ToString(groups[0].GroupPolicyList[0].PolicyName) != "list" {
		t.Errorf("Developers' inline policies = %+v", groups[0].GroupPolicyList)
	}
	if trust, _ := url.QueryUnescape(aws.ToString(roles[0].AssumeRolePolicyDocument)); !strings.Contains(trust, "sts:AssumeRole") ||
		len(roles[0].AttachedManagedPolicies) != 1 {
		t.Errorf("the role = %+v (trust %s)", roles[0], trust)
	}
	for _, p := range policies {
		if len(p.PolicyVersionList) != 1 || !p.PolicyVersionList[0].IsDefaultVersion || aws.ToString(p.PolicyVersionList[0].Document) == "" {
			t.Errorf("policy %s versions = %+v; want its one version with its document", aws.ToString(p.PolicyName), p.PolicyVersionList)
		}
	}
	only, err := root.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{iamtypes.EntityTypeLocalManagedPolicy}})
	if err != nil || len(only.Policies) != 1 || len(only.UserDetailList) != 0 || aws.ToString(only.Policies[0].PolicyName) != "Listing" {
		t.Errorf("GetAccountAuthorizationDetails(LocalManagedPolicy) = %+v, %v", only, err)
	}
	_, err = root.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{"Bucket"}})
	wantAPIError(t, "GetAccountAuthorizationDetails(Bucket)", err, "ValidationError", "enum value set")
}

// GetAccessKeyLastUsed reports a key's last service and region, N/A
// before its first use.
func TestAccessKeyLastUsed(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	mustDo(t, "CreateUser", func() error {
		_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
		return err
	})
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	id := key.AccessKey.AccessKeyId
	lastUsed := func() *iamtypes.AccessKeyLastUsed {
		t.Helper()
		out, err := root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
		if err != nil || aws.ToString(out.UserName) != "alice" {
			t.Fatalf("GetAccessKeyLastUsed = %+v, %v", out, err)
		}
		return out.AccessKeyLastUsed
	}
	if u := lastUsed(); aws.ToString(u.ServiceName) != "N/A" || aws.ToString(u.Region) != "N/A" || u.LastUsedDate != nil {
		t.Errorf("before any use: %+v; want N/A", u)
	}
	if _, err := ts.stsClient(aws.ToString(id), aws.ToString(key.AccessKey.SecretAccessKey)).GetCallerIdentity(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if u := lastUsed(); aws.ToString(u.ServiceName) != "sts" || aws.ToString(u.Region) != "us-east-1" || u.LastUsedDate == nil {
		t.Errorf("after GetCallerIdentity: %+v; want sts in us-east-1", u)
	}
	ts.iamClient(aws.ToString(id), aws.ToString(key.AccessKey.SecretAccessKey)).ListUsers(ctx, &iam.ListUsersInput{})
	if u := lastUsed(); aws.ToString(u.ServiceName) != "iam" {
		t.Errorf("after a denied ListUsers: %+v; want iam, a denied call is a use too", u)
	}
	_, err = root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
	wantAPIError(t, "GetAccessKeyLastUsed(unknown key)", err, "NoSuchEntity", "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")
}

// A renamed group keeps its members and policies (note 40).
func TestUpdateGroup(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	alice := ts.newUser(t, "alice")
	for i, step := range []func() error{
		func() error {
			_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Dev")})
			return err
		},
		func() error {
			_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Ops")})
			return err
		},
		func() error {
			_, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Dev"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Dev"), PolicyName: aws.String("list"), PolicyDocument: aws.String(listUsersDoc)})
			return err
		},
	} {
		mustDo(t, "setup step "+string(rune('1'+i)), step)
	}
	if users, _ := can(t, alice); !users {
		t.Fatal("ListUsers denied through the group's policy")
	}
	_, err := root.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Dev"), NewGroupName: aws.String("ops")})
	wantAPIError(t, "UpdateGroup to a taken name", err, "EntityAlreadyExists", "Group with name ops already exists.")
	mustDo(t, "UpdateGroup", func() error {
		_, err := root.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Dev"), NewGroupName: aws.String("Engineering"), NewPath: aws.String("/eng/")})
		return err
	})
	if users, _ := can(t, alice); !users {
		t.Error("ListUsers denied after the group's rename")
	}
	got, err := root.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Engineering")})
	if err != nil || aws.ToString(got.Group.Path) != "/eng/" || len(got.Users) != 1 {
		t.Errorf("GetGroup(Engineering) = %+v, %v", got, err)
	}
	_, err = root.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Dev")})
	wantAPIError(t, "GetGroup(the old name)", err, "NoSuchEntity", "Dev")
}
