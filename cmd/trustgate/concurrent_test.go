package main

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
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
