package main

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// allAtOnce runs every call at the same time and fails on any error.
func allAtOnce(t *testing.T, calls map[string]func() error) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for what, call := range calls {
		wg.Go(func() {
			if err := call(); err != nil {
				mu.Lock()
				t.Errorf("%s: %v", what, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// Tools such as Terraform send a role's tags and boundary, or a bucket's
// policy, public access block and tags, as separate calls at once. Each
// call changes its part of the record; none may undo another's.
func TestConcurrentChangesToOneRoleAllHold(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ts.Root.AccountId + `"},"Action":"sts:AssumeRole"}]}`
	mustDo(t, "CreateRole", func() error {
		_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Shared"), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	const tags = 10
	calls := map[string]func() error{
		"PutRolePermissionsBoundary": func() error {
			_, err := root.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Shared"),
				PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
			return err
		},
		"UpdateRole": func() error {
			_, err := root.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Shared"), Description: aws.String("shared")})
			return err
		},
	}
	for i := range tags {
		calls[fmt.Sprint("TagRole ", i)] = func() error {
			_, err := root.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Shared"),
				Tags: []iamtypes.Tag{{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}}})
			return err
		}
	}
	allAtOnce(t, calls)
	got, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Shared")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.Description) != "shared" || len(got.Role.Tags) != tags {
		t.Errorf("GetRole after concurrent changes: boundary %v, description %q, %d tags; want the boundary, \"shared\" and %d tags",
			got.Role.PermissionsBoundary, aws.ToString(got.Role.Description), len(got.Role.Tags), tags)
	}
}

func TestConcurrentChangesToOneBucketAllHold(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	mustDo(t, "CreateBucket", func() error {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")})
		return err
	})
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Root.AccountId +
		`:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`
	allAtOnce(t, map[string]func() error{
		"PutBucketPolicy": func() error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(policy)})
			return err
		},
		"PutPublicAccessBlock": func() error {
			_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
			return err
		},
		"PutBucketTagging": func() error {
			_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("shared"),
				Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}})
			return err
		},
	})
	if out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared")}); err != nil || aws.ToString(out.Policy) != policy {
		t.Errorf("GetBucketPolicy after concurrent changes = %v, %v; want the policy put", out, err)
	}
	if out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("shared")}); err != nil ||
		!aws.ToBool(out.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("GetPublicAccessBlock after concurrent changes = %v, %v; want BlockPublicAcls", out, err)
	}
	if out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("shared")}); err != nil || len(out.TagSet) != 1 {
		t.Errorf("GetBucketTagging after concurrent changes = %v, %v; want team=data", out, err)
	}
}

// A rename and a move sent at once both hold; so do an SCP's new name,
// description and content, and tags added to it at once.
func TestConcurrentRenamesAndPolicyEditsAllHold(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	ts.newUser(t, "alice")
	org := ts.rootOrg()
	id := createOrgPolicy(t, org, "Guard", orgtypes.PolicyTypeServiceControlPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	const content = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`
	calls := map[string]func() error{
		"UpdateUser(NewUserName)": func() error {
			_, err := root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia")})
			return err
		},
		"UpdatePolicy(Name)": func() error {
			_, err := org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(id), Name: aws.String("Guardrail")})
			return err
		},
		"UpdatePolicy(Description)": func() error {
			_, err := org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(id), Description: aws.String("keeps buckets")})
			return err
		},
		"UpdatePolicy(Content)": func() error {
			_, err := org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(id), Content: aws.String(content)})
			return err
		},
	}
	for i := range 5 {
		calls[fmt.Sprint("TagResource ", i)] = func() error {
			_, err := org.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(id),
				Tags: []orgtypes.Tag{{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}}})
			return err
		}
	}
	allAtOnce(t, calls)
	// The move comes after the rename is acknowledged, under the new name:
	// it must keep the name.
	mustDo(t, "UpdateUser(NewPath)", func() error {
		_, err := root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alicia"), NewPath: aws.String("/eng/")})
		return err
	})
	if u, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alicia")}); err != nil || aws.ToString(u.User.Path) != "/eng/" {
		t.Errorf("GetUser(alicia) after the rename and the move = %v, %v; want path /eng/", u, err)
	}
	p, err := org.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Policy.PolicySummary; aws.ToString(s.Name) != "Guardrail" || aws.ToString(s.Description) != "keeps buckets" || aws.ToString(p.Policy.Content) != content {
		t.Errorf("DescribePolicy after concurrent edits: name %q, description %q, content %s; want all three edits",
			aws.ToString(s.Name), aws.ToString(s.Description), aws.ToString(p.Policy.Content))
	}
	tags, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 5 {
		t.Errorf("ListTagsForResource after concurrent TagResource: %d tags; want 5", len(tags.Tags))
	}
}
