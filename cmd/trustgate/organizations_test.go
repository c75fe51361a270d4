package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func (ts *testServer) orgClient(id, secret, token string) *organizations.Client {
	return organizations.New(organizations.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
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
	_, err = org.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ous["Development"])})
	wantAPIError(t, "DeleteOrganizationalUnit of a non-empty OU", err, "OrganizationalUnitNotEmptyException", "")
	if _, err := org.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(dev), Tags: []orgtypes.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(dev)}); err != nil || len(tags.Tags) != 1 {
		t.Errorf("ListTagsForResource = %+v, %v", tags, err)
	}

	// The management account administers the new account through its role.
	creds := intoAccount(t, ts.administrator(t), dev)
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
}
