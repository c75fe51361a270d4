package main

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

const (
	listUsersDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`
	listRolesDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`
)

// can reports whether c may list users and roles.
func can(t *testing.T, c *iam.Client) (listUsers, listRoles bool) {
	t.Helper()
	_, errUsers := c.ListUsers(t.Context(), &iam.ListUsersInput{})
	_, errRoles := c.ListRoles(t.Context(), &iam.ListRolesInput{})
	return errUsers == nil, errRoles == nil
}

// A customer managed policy grants through its default version; a new
// default is in force on the next request; its versions are numbered,
// five at most, and it is deleted only once unused and alone.
func TestCustomerManagedPolicies(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	acct := ts.Root.AccountId
	alice := ts.newUser(t, "alice")

	created, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Listing"), Path: aws.String("/ops/"),
		PolicyDocument: aws.String(listUsersDoc), Description: aws.String("lists users"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::" + acct + ":policy/ops/Listing"
	p := created.Policy
	if aws.ToString(p.Arn) != arn || !strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") || aws.ToString(p.DefaultVersionId) != "v1" ||
		!p.IsAttachable || aws.ToInt32(p.AttachmentCount) != 0 || len(p.Tags) != 1 {
		t.Errorf("CreatePolicy = %+v", p)
	}
	_, err = root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("listing"), PolicyDocument: aws.String(listUsersDoc)})
	wantAPIError(t, "CreatePolicy(same name, other case, other path)", err, "EntityAlreadyExists", "A policy called listing already exists. Duplicate names are not allowed.")
	_, err = root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Bad"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers"}]}`)})
	wantAPIError(t, "CreatePolicy without Resource", err, "MalformedPolicyDocument", "Policy statement must contain resources.")

	mustDo(t, "AttachUserPolicy", func() error {
		_, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)})
		return err
	})
	if users, roles := can(t, alice); !users || roles {
		t.Errorf("under v1: ListUsers %v, ListRoles %v; want only ListUsers", users, roles)
	}
	v2, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(listRolesDoc)})
	if err != nil || aws.ToString(v2.PolicyVersion.VersionId) != "v2" || v2.PolicyVersion.IsDefaultVersion {
		t.Fatalf("CreatePolicyVersion = %+v, %v; want v2, not the default", v2, err)
	}
	if users, roles := can(t, alice); !users || roles {
		t.Errorf("with v2 not the default: ListUsers %v, ListRoles %v; want v1 still in force", users, roles)
	}
	mustDo(t, "SetDefaultPolicyVersion(v2)", func() error {
		_, err := root.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
		return err
	})
	if users, roles := can(t, alice); users || !roles {
		t.Errorf("under v2: ListUsers %v, ListRoles %v; want only ListRoles", users, roles)
	}

	got, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToString(got.Policy.DefaultVersionId) != "v2" || aws.ToInt32(got.Policy.AttachmentCount) != 1 ||
		aws.ToString(got.Policy.Description) != "lists users" || aws.ToString(got.Policy.Path) != "/ops/" {
		t.Errorf("GetPolicy = %+v, %v", got, err)
	}
	v1, err := root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(v1.PolicyVersion.Document)); doc != listUsersDoc || v1.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion(v1) = %q default %v; want the first document, URL-encoded (note 20)", doc, v1.PolicyVersion.IsDefaultVersion)
	}
	_, err = root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantAPIError(t, "GetPolicyVersion(v9)", err, "NoSuchEntity", "Policy "+arn+" version v9 does not exist")
	_, err = root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("2")})
	wantAPIError(t, "GetPolicyVersion(2)", err, "ValidationError", "versionId")

	for _, want := range []string{"v3", "v4", "v5"} {
		v, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(listRolesDoc)})
		if err != nil || aws.ToString(v.PolicyVersion.VersionId) != want {
			t.Fatalf("CreatePolicyVersion = %+v, %v; want %s", v, err, want)
		}
	}
	_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(listRolesDoc)})
	wantAPIError(t, "a sixth version", err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	versions, err := root.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	var ids []string
	for _, v := range versions.Versions {
		id := aws.ToString(v.VersionId)
		if v.IsDefaultVersion {
			id += "*"
		}
		ids = append(ids, id)
	}
	if err != nil || strings.Join(ids, ",") != "v5,v4,v3,v2*,v1" {
		t.Errorf("ListPolicyVersions = %v, %v; want v5,v4,v3,v2*,v1", ids, err)
	}

	_, err = root.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
	wantAPIError(t, "DeletePolicyVersion(the default)", err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, "DeletePolicy while attached", err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	entities, err := root.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || len(entities.PolicyUsers) != 1 || aws.ToString(entities.PolicyUsers[0].UserName) != "alice" ||
		!strings.HasPrefix(aws.ToString(entities.PolicyUsers[0].UserId), "AIDA") || len(entities.PolicyRoles) != 0 {
		t.Errorf("ListEntitiesForPolicy = %+v, %v", entities, err)
	}
	mustDo(t, "DetachUserPolicy", func() error {
		_, err := root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)})
		return err
	})
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, "DeletePolicy with versions", err, "DeleteConflict", "This policy has more than one version.")
	for _, id := range []string{"v1", "v3", "v4", "v5"} {
		mustDo(t, "DeletePolicyVersion("+id+")", func() error {
			_, err := root.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(id)})
			return err
		})
	}
	mustDo(t, "DeletePolicy", func() error {
		_, err := root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
		return err
	})
	_, err = root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, "GetPolicy after delete", err, "NoSuchEntity", "Policy "+arn+" was not found.")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)})
	wantAPIError(t, "AttachUserPolicy of the deleted policy", err, "NoSuchEntity", "does not exist or is not attachable")
}

// ListPolicies by scope, usage and path; AWS managed policies read like
// the account's own, but are AWS's to change.
func TestListAndReadPolicies(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	acct := ts.Root.AccountId
	ts.newUser(t, "alice")
	for _, n := range []string{"B-Policy", "A-Policy"} {
		mustDo(t, "CreatePolicy", func() error {
			_, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(n), PolicyDocument: aws.String(listUsersDoc)})
			return err
		})
	}
	mustDo(t, "PutUserPermissionsBoundary", func() error {
		_, err := root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("alice"),
			PermissionsBoundary: aws.String("arn:aws:iam::" + acct + ":policy/B-Policy")})
		return err
	})
	names := func(in *iam.ListPoliciesInput) []string {
		t.Helper()
		var out []string
		for p := iam.NewListPoliciesPaginator(root, in); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListPolicies(%+v): %v", in, err)
			}
			for _, pol := range page.Policies {
				out = append(out, aws.ToString(pol.PolicyName))
			}
		}
		return out
	}
	if got := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}); strings.Join(got, ",") != "A-Policy,B-Policy" {
		t.Errorf("ListPolicies(Local) = %v", got)
	}
	awsManaged := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, MaxItems: aws.Int32(2)})
	if len(awsManaged) < 7 || !slices.Contains(awsManaged, "ReadOnlyAccess") || slices.Contains(awsManaged, "A-Policy") {
		t.Errorf("ListPolicies(AWS), paged by 2 = %v; want the AWS managed policies only", awsManaged)
	}
	if got := names(&iam.ListPoliciesInput{OnlyAttached: true}); strings.Join(got, ",") != "B-Policy" {
		t.Errorf("ListPolicies(OnlyAttached) = %v; want the boundary in use", got)
	}
	if got := names(&iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsPolicy}); len(got) != 0 {
		t.Errorf("ListPolicies(OnlyAttached, PermissionsPolicy) = %v; want none: B-Policy is only a boundary", got)
	}
	if got := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, PathPrefix: aws.String("/ops/")}); len(got) != 0 {
		t.Errorf("ListPolicies(PathPrefix /ops/) = %v; want none", got)
	}
	_, err := root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("arn:aws:iam::" + acct + ":policy/B-Policy")})
	wantAPIError(t, "DeletePolicy of a boundary in use", err, "DeleteConflict", "Cannot delete a policy attached to entities.")

	ro := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	got, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &ro})
	if err != nil || !strings.HasPrefix(aws.ToString(got.Policy.PolicyId), "ANPA") || aws.ToString(got.Policy.DefaultVersionId) == "" {
		t.Fatalf("GetPolicy(ReadOnlyAccess) = %+v, %v", got, err)
	}
	v, err := root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &ro, VersionId: got.Policy.DefaultVersionId})
	if doc, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document)); err != nil || !strings.Contains(doc, `"Effect"`) {
		t.Errorf("GetPolicyVersion(ReadOnlyAccess) = %q, %v", doc, err)
	}
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &ro})
	wantAPIError(t, "DeletePolicy(an AWS managed policy)", err, "AccessDenied", "iam:DeletePolicy on resource: "+ro)
	_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &ro, PolicyDocument: aws.String(listUsersDoc)})
	wantAPIError(t, "CreatePolicyVersion(an AWS managed policy)", err, "AccessDenied", "iam:CreatePolicyVersion")
	_, err = root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + acct + ":role/NotAPolicy")})
	wantAPIError(t, "GetPolicy(a role ARN)", err, "InvalidInput", "is not valid")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::222222222222:policy/A-Policy")})
	wantAPIError(t, "AttachUserPolicy(another account's policy)", err, "NoSuchEntity", "does not exist or is not attachable")

	pa := aws.String("arn:aws:iam::" + acct + ":policy/A-Policy")
	mustDo(t, "TagPolicy", func() error {
		_, err := root.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: pa, Tags: []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
		return err
	})
	mustDo(t, "TagPolicy(the key in other case)", func() error {
		_, err := root.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: pa, Tags: []iamtypes.Tag{{Key: aws.String("Env"), Value: aws.String("dev")}}})
		return err
	})
	tags, err := root.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: pa})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "dev" {
		t.Errorf("ListPolicyTags = %+v, %v; want one tag, replaced", tags, err)
	}
	mustDo(t, "UntagPolicy", func() error {
		_, err := root.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: pa, TagKeys: []string{"env"}})
		return err
	})
	if tags, _ := root.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: pa}); tags == nil || len(tags.Tags) != 0 {
		t.Errorf("ListPolicyTags after UntagPolicy = %+v", tags)
	}
}

// A customer managed boundary caps a user's permissions, and the user's
// answer shows it.
func TestUserPermissionsBoundary(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	alice := ts.newUser(t, "alice")
	boundary := "arn:aws:iam::" + ts.Root.AccountId + ":policy/OnlyListUsers"
	mustDo(t, "CreatePolicy", func() error {
		_, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("OnlyListUsers"), PolicyDocument: aws.String(listUsersDoc)})
		return err
	})
	mustDo(t, "AttachUserPolicy(AdministratorAccess)", func() error {
		_, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		return err
	})
	mustDo(t, "PutUserPermissionsBoundary", func() error {
		_, err := root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("alice"), PermissionsBoundary: aws.String(boundary)})
		return err
	})
	if users, roles := can(t, alice); !users || roles {
		t.Errorf("administrator within the boundary: ListUsers %v, ListRoles %v; want only ListUsers", users, roles)
	}
	u, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil || u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("GetUser = %+v, %v; want the boundary shown", u, err)
	}
	_, err = root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("alice"),
		PermissionsBoundary: aws.String("arn:aws:iam::" + ts.Root.AccountId + ":policy/Nope")})
	wantAPIError(t, "PutUserPermissionsBoundary(unknown policy)", err, "NoSuchEntity", "does not exist or is not attachable")
	mustDo(t, "DeleteUserPermissionsBoundary", func() error {
		_, err := root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("alice")})
		return err
	})
	if users, roles := can(t, alice); !users || !roles {
		t.Errorf("without the boundary: ListUsers %v, ListRoles %v; want both", users, roles)
	}
	_, err = root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("alice")})
	wantAPIError(t, "DeleteUserPermissionsBoundary twice", err, "NoSuchEntity", "no permissions boundary")
}

// A renamed user keeps its keys, groups and policies; renaming needs
// iam:UpdateUser on both names (note 40).
func TestUpdateUser(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	acct := ts.Root.AccountId
	alice := ts.newUser(t, "alice")
	admin := ts.newUser(t, "admin")
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("list"), PolicyDocument: aws.String(listUsersDoc)})
		return err
	})
	mustDo(t, "PutUserPolicy(admin)", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("rename-alice"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateUser","Resource":"arn:aws:iam::` + acct + `:user/alice"}]}`)})
		return err
	})
	_, err := admin.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia")})
	wantAPIError(t, "UpdateUser allowed on the old name only", err, "AccessDenied", "iam:UpdateUser on resource: arn:aws:iam::"+acct+":user/alicia")
	_, err = root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("ADMIN")})
	wantAPIError(t, "UpdateUser to a taken name", err, "EntityAlreadyExists", "User with name ADMIN already exists.")
	mustDo(t, "UpdateUser", func() error {
		_, err := root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia"), NewPath: aws.String("/eng/")})
		return err
	})
	listed, err := alice.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/eng/")})
	if err != nil || len(listed.Users) != 1 || aws.ToString(listed.Users[0].Arn) != "arn:aws:iam::"+acct+":user/eng/alicia" {
		t.Fatalf("ListUsers(/eng/) with the renamed user's key and inline policy = %+v, %v", listed, err)
	}
	_, err = root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	wantAPIError(t, "GetUser(the old name)", err, "NoSuchEntity", "alice")
}

// User tags are aws:PrincipalTag on the next request.
func TestUserTags(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	alice := ts.newUser(t, "alice")
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("ops-lists"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ops"}}}]}`)})
		return err
	})
	if users, _ := can(t, alice); users {
		t.Fatal("ListUsers allowed before the tag")
	}
	mustDo(t, "TagUser", func() error {
		_, err := root.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("alice"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}})
		return err
	})
	if users, _ := can(t, alice); !users {
		t.Error("ListUsers denied after TagUser(team=ops)")
	}
	tags, err := root.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("alice")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("ListUserTags = %+v, %v", tags, err)
	}
	mustDo(t, "UntagUser", func() error {
		_, err := root.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("alice"), TagKeys: []string{"team"}})
		return err
	})
	if users, _ := can(t, alice); users {
		t.Error("ListUsers still allowed after UntagUser")
	}
}

// A session limited by a customer managed session policy stays limited
// when the policy is deleted (note 44).
func TestDeletedSessionPolicy(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	created, err := prodIAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("OnlyListRoles"), PolicyDocument: aws.String(listRolesDoc)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ts.userSTS(t, "tester").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("limited"),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: created.Policy.Arn}}})
	if err != nil {
		t.Fatal(err)
	}
	_, session := ts.sessionClients(out.Credentials)
	if users, roles := can(t, session); users || !roles {
		t.Fatalf("ReadOnlyAccess within the session policy: ListUsers %v, ListRoles %v; want only ListRoles", users, roles)
	}
	mustDo(t, "DeletePolicy", func() error {
		_, err := prodIAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: created.Policy.Arn})
		return err
	})
	_, err = session.ListRoles(ctx, &iam.ListRolesInput{})
	wantAPIError(t, "ListRoles once the session policy is deleted", err, "AccessDenied", "session policy")
}

// A session of a deleted role is denied, even where a resource policy of
// the role's account names the role (note 44).
func TestDeletedRoleSession(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	if _, err := prodS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("stage-drop")}); err != nil {
		t.Fatal(err)
	}
	if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("stage-drop"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN + `"},"Action":"s3:*","Resource":["arn:aws:s3:::stage-drop","arn:aws:s3:::stage-drop/*"]}]}`)}); err != nil {
		t.Fatal(err)
	}
	out, err := ts.userSTS(t, "tester").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("doomed")})
	if err != nil {
		t.Fatal(err)
	}
	session := ts.sessionS3(out.Credentials)
	putObject := func() error {
		_, err := session.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("stage-drop"), Key: aws.String("k"), Body: strings.NewReader("x")})
		return err
	}
	if err := putObject(); err != nil {
		t.Fatalf("PutObject granted to the role by the bucket policy: %v", err)
	}
	prodIAM := ts.iamClient(prod.AccessKeyId, prod.SecretAccessKey)
	mustDo(t, "DetachRolePolicy", func() error {
		_, err := prodIAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("StageRole"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		return err
	})
	mustDo(t, "DeleteRole", func() error {
		_, err := prodIAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("StageRole")})
		return err
	})
	wantAPIError(t, "PutObject by a session of the deleted role", putObject(), "AccessDenied", "")
}

// IAM's own condition keys: the delegated-administrator patterns AWS
// documents work, and fail where AWS fails them (note 46).
func TestIAMConditionKeys(t *testing.T) {
	ts := startServer(t)
	root := ts.rootIAM()
	ctx := t.Context()
	acct := ts.Root.AccountId
	boundary := "arn:aws:iam::" + acct + ":policy/DeveloperBoundary"
	mustDo(t, "CreatePolicy(DeveloperBoundary)", func() error {
		_, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("DeveloperBoundary"), PolicyDocument: aws.String(listUsersDoc)})
		return err
	})
	admin := ts.newUser(t, "delegate")
	mustDo(t, "PutUserPolicy(delegate)", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("delegate"), PolicyName: aws.String("delegated-admin"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Sid":"CreateBoundedUsers","Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"` + boundary + `"}}},
			{"Sid":"ManageUsers","Effect":"Allow","Action":["iam:DeleteUser","iam:TagUser","iam:UntagUser"],"Resource":"*"},
			{"Sid":"AttachOnlyReadOnly","Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}},
			{"Sid":"KeepProtected","Effect":"Deny","Action":["iam:DeleteUser","iam:UntagUser"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}},
			{"Sid":"NoProtectedTag","Effect":"Deny","Action":["iam:TagUser","iam:UntagUser"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"protected"}}}]}`)})
		return err
	})
	createUser := func(name, withBoundary string, tags ...iamtypes.Tag) error {
		in := &iam.CreateUserInput{UserName: aws.String(name), Tags: tags}
		if withBoundary != "" {
			in.PermissionsBoundary = aws.String(withBoundary)
		}
		_, err := admin.CreateUser(ctx, in)
		return err
	}
	wantAPIError(t, "CreateUser without a boundary", createUser("dev1", ""), "AccessDenied", "iam:CreateUser")
	wantAPIError(t, "CreateUser with another boundary", createUser("dev1", "arn:aws:iam::aws:policy/AdministratorAccess"), "AccessDenied", "iam:CreateUser")
	if err := createUser("dev1", boundary); err != nil {
		t.Fatalf("CreateUser with the required boundary: %v", err)
	}
	wantAPIError(t, "CreateUser with tags, not allowed iam:TagUser there", createUser("dev2", boundary, iamtypes.Tag{Key: aws.String("protected"), Value: aws.String("true")}),
		"AccessDenied", "iam:TagUser")

	attach := func(policyARN string) error {
		_, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dev1"), PolicyArn: aws.String(policyARN)})
		return err
	}
	if err := attach("arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		t.Errorf("AttachUserPolicy(ReadOnlyAccess), which iam:PolicyARN allows: %v", err)
	}
	wantAPIError(t, "AttachUserPolicy(AdministratorAccess)", attach("arn:aws:iam::aws:policy/AdministratorAccess"), "AccessDenied", "iam:AttachUserPolicy")

	mustDo(t, "CreateUser(keeper) by root", func() error {
		_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("keeper"), Tags: []iamtypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}})
		return err
	})
	_, err := admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("keeper")})
	wantAPIError(t, "DeleteUser of a protected user", err, "AccessDenied", "explicit deny")
	_, err = admin.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("keeper"), TagKeys: []string{"protected"}})
	wantAPIError(t, "UntagUser(protected)", err, "AccessDenied", "explicit deny")
	_, err = admin.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dev1"), Tags: []iamtypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}})
	wantAPIError(t, "TagUser(protected=true)", err, "AccessDenied", "explicit deny")
	if _, err := admin.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dev1"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}); err != nil {
		t.Errorf("TagUser(team=web): %v", err)
	}
	_, err = root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("twice"), Tags: []iamtypes.Tag{{Key: aws.String("Env"), Value: aws.String("a")}, {Key: aws.String("env"), Value: aws.String("b")}}})
	wantAPIError(t, "CreateUser with tag keys differing in case", err, "InvalidInput", "Duplicate tag keys found.")
}
