package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	orgapi "github.com/trustgate/trustgate/service/organizations"
)

func (ts *testServer) orgClient(id, secret, token string) *organizations.Client {
	return organizations.New(organizations.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		HTTPClient:   ts.httpClient(10 * time.Second),
	})
}

func (ts *testServer) rootOrg() *organizations.Client {
	return ts.orgClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
}

// administrator is an IAM user of the management account with
// AdministratorAccess: the root user cannot assume roles.
func (ts *testServer) administrator(t *testing.T) *sts.Client {
	t.Helper()
	ts.newUser(t, "administrator")
	mustDo(t, "AttachUserPolicy(AdministratorAccess)", func() error {
		_, err := ts.rootIAM().AttachUserPolicy(t.Context(), &iam.AttachUserPolicyInput{UserName: aws.String("administrator"),
			PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		return err
	})
	return ts.userSTS(t, "administrator")
}

// intoAccount assumes OrganizationAccountAccessRole in a member account.
func intoAccount(t *testing.T, admin *sts.Client, account string) *ststypes.Credentials {
	t.Helper()
	out, err := admin.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"),
		RoleSessionName: aws.String("admin")})
	if err != nil {
		t.Fatalf("AssumeRole(OrganizationAccountAccessRole in %s): %v", account, err)
	}
	return out.Credentials
}

// createAccount creates a member account with Organizations and returns
// its id.
func createAccount(t *testing.T, org *organizations.Client, name string) string {
	t.Helper()
	out, err := org.CreateAccount(t.Context(), &organizations.CreateAccountInput{AccountName: aws.String(name),
		Email: aws.String(strings.ToLower(name) + "@example.com")})
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", name, err)
	}
	st := out.CreateAccountStatus
	if st.State != orgtypes.CreateAccountStateSucceeded || len(aws.ToString(st.AccountId)) != 12 {
		t.Fatalf("CreateAccount(%s) = %+v", name, st)
	}
	return aws.ToString(st.AccountId)
}

// Seed 000's structure: OUs under the root, accounts created in them, and
// the management account administering a member through
// OrganizationAccountAccessRole.
func TestOrganizationStructure(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	org := ts.rootOrg()
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || !strings.HasPrefix(aws.ToString(desc.Organization.Id), "o-") || aws.ToString(desc.Organization.MasterAccountId) != ts.Root.AccountId {
		t.Fatalf("DescribeOrganization = %+v, %v", desc, err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 || !strings.HasPrefix(aws.ToString(roots.Roots[0].Id), "r-") {
		t.Fatalf("ListRoots = %+v, %v", roots, err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	ous := map[string]string{}
	for _, name := range []string{"Management", "Development", "Production"} {
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateOrganizationalUnit(%s): %v", name, err)
		}
		ous[name] = aws.ToString(out.OrganizationalUnit.Id)
	}
	_, err = org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("Development")})
	wantAPIError(t, "CreateOrganizationalUnit(a name the root has)", err, "DuplicateOrganizationalUnitException", "")
	parent := ous["Development"]
	for level := 2; level <= 6; level++ {
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String("level")})
		if level == 6 {
			wantAPIError(t, "CreateOrganizationalUnit six levels deep", err, "ConstraintViolationException", "too many levels deep")
			break
		}
		if err != nil {
			t.Fatalf("CreateOrganizationalUnit at level %d: %v", level, err)
		}
		parent = aws.ToString(out.OrganizationalUnit.Id)
	}

	dev := createAccount(t, org, "Development")
	failed, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("Again"), Email: aws.String("development@example.com")})
	if err != nil || failed.CreateAccountStatus.State != orgtypes.CreateAccountStateFailed ||
		failed.CreateAccountStatus.FailureReason != orgtypes.CreateAccountFailureReasonEmailAlreadyExists {
		t.Errorf("CreateAccount with a taken email = %+v, %v; want FAILED, EMAIL_ALREADY_EXISTS", failed, err)
	}
	if st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{
		CreateAccountRequestId: failed.CreateAccountStatus.Id}); err != nil || st.CreateAccountStatus.State != orgtypes.CreateAccountStateFailed {
		t.Errorf("DescribeCreateAccountStatus = %+v, %v", st, err)
	}
	if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(dev), SourceParentId: aws.String(root),
		DestinationParentId: aws.String(ous["Development"])}); err != nil {
		t.Fatal(err)
	}
	_, err = org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(dev), SourceParentId: aws.String(root),
		DestinationParentId: aws.String(ous["Development"])})
	wantAPIError(t, "MoveAccount into the OU it is in", err, "DuplicateAccountException", "")
	in, err := org.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String(ous["Development"])})
	if err != nil || len(in.Accounts) != 1 || aws.ToString(in.Accounts[0].Id) != dev || in.Accounts[0].Status != orgtypes.AccountStatusActive {
		t.Errorf("ListAccountsForParent(Development) = %+v, %v", in, err)
	}
	parents, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(dev)})
	if err != nil || len(parents.Parents) != 1 || aws.ToString(parents.Parents[0].Id) != ous["Development"] || parents.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Errorf("ListParents = %+v, %v", parents, err)
	}
	children, err := org.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String(root), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(children.Children) != 3 {
		t.Errorf("ListChildren(root, OUs) = %+v, %v", children, err)
	}
	all, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(all.Accounts) != 2 {
		t.Errorf("ListAccounts = %+v, %v; want the management account and Development", all, err)
	}
	// Note 48: an account's Paths, State and JoinedMethod.
	orgID := aws.ToString(desc.Organization.Id)
	for _, want := range []struct {
		id, path string
		joined   orgtypes.AccountJoinedMethod
	}{
		{dev, orgID + "/" + root + "/" + ous["Development"] + "/" + dev + "/", orgtypes.AccountJoinedMethodCreated},
		{ts.Root.AccountId, orgID + "/" + root + "/" + ts.Root.AccountId + "/", orgtypes.AccountJoinedMethodInvited},
	} {
		a, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(want.id)})
		if err != nil || !slices.Equal(a.Account.Paths, []string{want.path}) || a.Account.State != orgtypes.AccountStateActive ||
			a.Account.Status != orgtypes.AccountStatusActive || a.Account.JoinedMethod != want.joined {
			t.Errorf("DescribeAccount(%s) = %+v, %v; want path %s, ACTIVE, %s", want.id, a.Account, err, want.path, want.joined)
		}
	}
	_, err = org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
	wantAPIError(t, "DescribeAccount of an unknown account", err, "AccountNotFoundException", "")
	_, err = org.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ous["Development"])})
	wantAPIError(t, "DeleteOrganizationalUnit of a non-empty OU", err, "OrganizationalUnitNotEmptyException", "")
	if _, err := org.UpdateOrganizationalUnit(ctx, &organizations.UpdateOrganizationalUnitInput{OrganizationalUnitId: aws.String(ous["Production"]), Name: aws.String("Prod")}); err != nil {
		t.Fatal(err)
	}
	if got, err := org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(ous["Production"])}); err != nil ||
		aws.ToString(got.OrganizationalUnit.Name) != "Prod" {
		t.Errorf("DescribeOrganizationalUnit after the rename = %+v, %v", got, err)
	}
	top, err := org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(root), MaxResults: aws.Int32(2)})
	if err != nil || len(top.OrganizationalUnits) != 2 || top.NextToken == nil {
		t.Errorf("ListOrganizationalUnitsForParent(root, 2) = %+v, %v; want a first page of two", top, err)
	}
	// Note 72: a MaxResults of 0 is below the least, not unset.
	_, err = org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(root), MaxResults: aws.Int32(0)})
	wantAPIError(t, "ListOrganizationalUnitsForParent(root, 0)", err, "InvalidInputException", "MaxResults")
	var invalid *orgtypes.InvalidInputException
	if !errors.As(err, &invalid) || invalid.Reason != orgtypes.InvalidInputExceptionReasonMinValueExceeded {
		t.Errorf("ListOrganizationalUnitsForParent(root, 0) = %v; want the reason MIN_VALUE_EXCEEDED", err)
	}
	if _, err := org.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ous["Production"])}); err != nil {
		t.Errorf("DeleteOrganizationalUnit of an empty OU: %v", err)
	}
	if _, err := org.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(dev), Tags: []orgtypes.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(dev)}); err != nil || len(tags.Tags) != 1 {
		t.Errorf("ListTagsForResource = %+v, %v", tags, err)
	}

	// The management account administers the new account through its role.
	ts.admin = ts.administrator(t)
	creds := intoAccount(t, ts.admin, dev)
	_, devIAM := ts.sessionClients(creds)
	if _, err := devIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("developer")}); err != nil {
		t.Errorf("CreateUser in the member account as OrganizationAccountAccessRole: %v", err)
	}
	memberOrg := ts.orgClient(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))
	_, err = memberOrg.ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantAPIError(t, "ListAccounts from a member account", err, "AccessDeniedException", "You don't have permissions to access this resource.")
	if d, err := memberOrg.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(d.Organization.Id) != aws.ToString(desc.Organization.Id) {
		t.Errorf("DescribeOrganization from a member account = %+v, %v", d, err)
	}

	// CreateAccount's RoleName names the administration role.
	named, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("Sandbox"), Email: aws.String("sandbox@example.com"),
		RoleName: aws.String("SandboxAdmin")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + aws.ToString(named.CreateAccountStatus.AccountId) + ":role/SandboxAdmin"),
		RoleSessionName: aws.String("admin")}); err != nil {
		t.Errorf("AssumeRole(SandboxAdmin, the RoleName asked for): %v", err)
	}
}

// attach attaches an Organizations policy to a target.
func attach(t *testing.T, org *organizations.Client, policyID, target string) {
	t.Helper()
	if _, err := org.AttachPolicy(t.Context(), &organizations.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(target)}); err != nil {
		t.Fatalf("AttachPolicy(%s, %s): %v", policyID, target, err)
	}
}

func createOrgPolicy(t *testing.T, org *organizations.Client, name string, typ orgtypes.PolicyType, doc string) string {
	t.Helper()
	out, err := org.CreatePolicy(t.Context(), &organizations.CreatePolicyInput{Name: aws.String(name), Description: aws.String(name),
		Type: typ, Content: aws.String(doc)})
	if err != nil {
		t.Fatalf("CreatePolicy(%s): %v", name, err)
	}
	return aws.ToString(out.Policy.PolicySummary.Id)
}

// SCPs limit every principal of member accounts at every level of their
// path, never the management account's (notes 7 and 47).
func TestServiceControlPolicies(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	org := ts.rootOrg()
	roots, _ := org.ListRoots(ctx, &organizations.ListRootsInput{})
	root := aws.ToString(roots.Roots[0].Id)
	_, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(root)})
	wantAPIError(t, "AttachPolicy before SCPs are enabled", err, "PolicyTypeNotEnabledException", "")
	if _, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("Development")})
	if err != nil {
		t.Fatal(err)
	}
	devOU := aws.ToString(ou.OrganizationalUnit.Id)
	dev := createAccount(t, org, "Development")
	if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(dev), SourceParentId: aws.String(root), DestinationParentId: aws.String(devOU)}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{root, devOU, dev} {
		got, err := org.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: orgtypes.PolicyTypeServiceControlPolicy})
		if err != nil || len(got.Policies) != 1 || aws.ToString(got.Policies[0].Id) != "p-FullAWSAccess" || !got.Policies[0].AwsManaged {
			t.Errorf("SCPs of %s = %+v, %v; want FullAWSAccess, attached as SCPs were enabled or the target made", target, got, err)
		}
	}
	creds := intoAccount(t, ts.administrator(t), dev)
	s3c := ts.sessionS3(creds)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("dev-data")}); err != nil {
		t.Fatal(err)
	}
	putObject := func(c *s3.Client, bucket string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
		return err
	}
	if err := putObject(s3c, "dev-data"); err != nil {
		t.Fatalf("PutObject as AdministratorAccess under FullAWSAccess: %v", err)
	}
	deny := createOrgPolicy(t, org, "DenyS3Writes", orgtypes.PolicyTypeServiceControlPolicy,
		`{"Version":"2012-10-17","Statement":[{"Sid":"NoWrites","Effect":"Deny","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"*"}]}`)
	attach(t, org, deny, devOU)
	wantAPIError(t, "PutObject under the OU's deny", putObject(s3c, "dev-data"), "AccessDenied", "explicit deny in a service control policy")
	if _, err := get(t, s3c, "dev-data", "k"); err != nil {
		t.Errorf("GetObject, which the SCP leaves alone: %v", err)
	}
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(devOU)}); err != nil {
		t.Fatal(err)
	}
	if err := putObject(s3c, "dev-data"); err != nil {
		t.Errorf("PutObject once the SCP is detached: %v", err)
	}

	// At the root it holds in every member account, never in the management one.
	attach(t, org, deny, root)
	wantAPIError(t, "PutObject under the root's deny", putObject(s3c, "dev-data"), "AccessDenied", "service control policy")
	mgmt := ts.rootS3()
	if _, err := mgmt.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mgmt-data")}); err != nil {
		t.Fatal(err)
	}
	if err := putObject(mgmt, "mgmt-data"); err != nil {
		t.Errorf("PutObject by the management account under the root's SCP: %v", err)
	}
	_, err = org.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: aws.String(deny)})
	wantAPIError(t, "DeletePolicy while attached", err, "PolicyInUseException", "")
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(root)}); err != nil {
		t.Fatal(err)
	}

	// An allow-list: the account keeps only what its SCPs allow.
	_, err = org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(dev)})
	wantAPIError(t, "DetachPolicy of the account's only SCP", err, "ConstraintViolationException", "fewer than the minimum")
	readOnly := createOrgPolicy(t, org, "S3ReadOnly", orgtypes.PolicyTypeServiceControlPolicy,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)
	attach(t, org, readOnly, dev)
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(dev)}); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, s3c, "dev-data", "k"); err != nil {
		t.Errorf("GetObject, which the account's SCP allows: %v", err)
	}
	_, devIAM := ts.sessionClients(creds)
	_, err = devIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, "ListUsers, which no SCP of the account allows", err, "AccessDenied", "service control policy")
	_, err = org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String("p-FullAWSAccess"), Name: aws.String("Mine")})
	wantAPIError(t, "UpdatePolicy of FullAWSAccess", err, "AccessDeniedException", "AWS managed")

	// A new document is in force on the next request; an SCP can pin a region.
	if _, err := org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(readOnly), Content: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := devIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers in us-east-1 once the SCP allows all there: %v", err)
	}
	elsewhere := s3.New(s3.Options{Region: "eu-west-1", BaseEndpoint: aws.String(ts.Endpoint), UsePathStyle: true, HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))})
	_, err = elsewhere.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantAPIError(t, "ListBuckets signed for eu-west-1 under the region SCP", err, "AccessDenied", "")
	// The guardrail every organization has: members may not leave. Nor
	// may the management account, with an error of its own (note 47).
	_, err = org.LeaveOrganization(ctx, &organizations.LeaveOrganizationInput{})
	wantAPIError(t, "LeaveOrganization of the management account", err, "MasterCannotLeaveOrganizationException", "delete this organization")
	memberOrg := ts.orgClient(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))
	_, err = memberOrg.LeaveOrganization(ctx, &organizations.LeaveOrganizationInput{})
	wantAPIError(t, "LeaveOrganization without a guardrail", err, "ConstraintViolationException", "billing details")
	stay := createOrgPolicy(t, org, "NoLeaving", orgtypes.PolicyTypeServiceControlPolicy,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)
	attach(t, org, stay, root)
	_, err = memberOrg.LeaveOrganization(ctx, &organizations.LeaveOrganizationInput{})
	wantAPIError(t, "LeaveOrganization under the guardrail SCP", err, "AccessDeniedException", "")
	listed, err := org.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(listed.Policies) != 4 {
		t.Errorf("ListPolicies(SCPs) = %+v, %v; want FullAWSAccess, DenyS3Writes, S3ReadOnly and NoLeaving", listed, err)
	}
}

// aws:PrincipalOrgID opens a bucket to the organization; an RCP that
// denies callers from outside it stops even a public grant (note 47).
func TestOrganizationKeysAndRCPs(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	org := ts.rootOrg()
	desc, _ := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	orgID := aws.ToString(desc.Organization.Id)
	roots, _ := org.ListRoots(ctx, &organizations.ListRootsInput{})
	root := aws.ToString(roots.Roots[0].Id)
	dev := createAccount(t, org, "Development")
	creds := intoAccount(t, ts.administrator(t), dev)

	// The management account's bucket, open to its organization.
	mgmt := ts.rootS3()
	if _, err := mgmt.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("org-shared")}); err != nil {
		t.Fatal(err)
	}
	put(t, mgmt, "org-shared", "report.csv", "a,b")
	if _, err := mgmt.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("org-shared"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-shared/*",
		"Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + orgID + `"}}}]}`)}); err != nil {
		t.Fatalf("PutBucketPolicy for the organization (not public, so Block Public Access lets it be): %v", err)
	}
	if got, err := get(t, ts.sessionS3(creds), "org-shared", "report.csv"); err != nil || got != "a,b" {
		t.Errorf("GetObject from a member account through aws:PrincipalOrgID = %q, %v", got, err)
	}

	// aws:ResourceOrgID and aws:ResourceOrgPaths on the caller's side: a
	// management user may read buckets of the organization only.
	ts.userAllowed(t, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceOrgID":"`+orgID+`"},"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"`+orgID+`/`+root+`/*"}}}]}`)
	if got, err := get(t, ts.userS3(t, "auditor"), "org-shared", "report.csv"); err != nil || got != "a,b" {
		t.Errorf("GetObject under aws:ResourceOrgID and aws:ResourceOrgPaths conditions = %q, %v", got, err)
	}

	// A member account's public bucket, and an RCP keeping callers from
	// outside the organization out.
	dc := ts.sessionS3(creds)
	if _, err := dc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("dev-public")}); err != nil {
		t.Fatal(err)
	}
	put(t, dc, "dev-public", "index.html", "hello")
	if _, err := dc.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("dev-public")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("dev-public"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::dev-public/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	anonymous := func() (int, string) {
		resp, err := http.Get(ts.Endpoint + "/dev-public/index.html")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		io.Copy(b, resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := anonymous(); code != http.StatusOK || body != "hello" {
		t.Fatalf("anonymous GET of the public object = %d %q", code, body)
	}
	if _, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	rcp := createOrgPolicy(t, org, "OrganizationOnly", orgtypes.PolicyTypeResourceControlPolicy,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
		"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"`+orgID+`"}}}]}`)
	attach(t, org, rcp, root)
	if code, _ := anonymous(); code != http.StatusForbidden {
		t.Errorf("anonymous GET under the RCP = %d; want 403", code)
	}
	if got, err := get(t, dc, "dev-public", "index.html"); err != nil || got != "hello" {
		t.Errorf("GetObject by the account itself under the RCP = %q, %v", got, err)
	}
}

// The Organizations mistakes of policy management, with AWS's exceptions
// and reasons (note 47).
func TestOrganizationPolicyErrors(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	org := ts.rootOrg()
	roots, _ := org.ListRoots(ctx, &organizations.ListRootsInput{})
	root := aws.ToString(roots.Roots[0].Id)
	_, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("Bad"), Description: aws.String("x"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
	wantAPIError(t, "CreatePolicy of an SCP without Resource", err, "MalformedPolicyDocumentException", "")
	for _, typ := range []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy} {
		if _, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: typ}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
	wantAPIError(t, "EnablePolicyType twice", err, "PolicyTypeAlreadyEnabledException", "")
	rcpOnly := createOrgPolicy(t, org, "NoDeletes", orgtypes.PolicyTypeResourceControlPolicy,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}`)
	attach(t, org, rcpOnly, root)
	_, err = org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-RCPFullAWSAccess"), TargetId: aws.String(root)})
	var reason string
	var invalid *orgtypes.InvalidInputException
	if errors.As(err, &invalid) {
		reason = string(invalid.Reason)
	}
	if reason != "NON_DETACHABLE_POLICY" {
		t.Errorf("DetachPolicy(RCPFullAWSAccess) = %v; want InvalidInputException, NON_DETACHABLE_POLICY", err)
	}
	_, err = org.DescribeEffectivePolicy(ctx, &organizations.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyType("SERVICE_CONTROL_POLICY"), TargetId: aws.String(root)})
	wantAPIError(t, "DescribeEffectivePolicy of SCPs", err, "InvalidInputException", "")
	if _, err := org.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	if targets, err := org.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(rcpOnly)}); err != nil || len(targets.Targets) != 0 {
		t.Errorf("targets of an RCP once RCPs are disabled = %+v, %v; want none", targets, err)
	}
	if _, err := org.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: aws.String(rcpOnly)}); err != nil {
		t.Errorf("DeletePolicy once detached by DisablePolicyType: %v", err)
	}
	_, err = org.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(rcpOnly)})
	wantAPIError(t, "DescribePolicy after delete", err, "PolicyNotFoundException", "")
}

// Note 49: a refused signature comes back in Organizations' JSON
// protocol, so that SDKs name its error; so does a call with no signature.
func TestOrganizationsAuthErrorsInJSON(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	_, err := ts.orgClient(ts.Root.AccessKeyId, "not-the-secret", "").DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantAPIError(t, "DescribeOrganization with a wrong secret", err, "InvalidSignatureException", "signature")
	_, err = ts.orgClient("AKIAUNKNOWNUNKNOWN00", "secret", "").DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantAPIError(t, "DescribeOrganization with an unknown key", err, "UnrecognizedClientException", "")

	req, _ := http.NewRequest(http.MethodPost, ts.Endpoint+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", orgapi.TargetPrefix+".DescribeOrganization")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Type string `json:"__type"`
	}
	decodeErr := json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || decodeErr != nil || body.Type != "MissingAuthenticationTokenException" {
		t.Errorf("an unsigned DescribeOrganization = %d %+v (%v); want 400 MissingAuthenticationTokenException in JSON", resp.StatusCode, body, decodeErr)
	}
}
