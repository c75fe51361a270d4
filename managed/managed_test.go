package managed_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/policy"
)

var iamNames = []string{
	"AdministratorAccess",
	"AmazonS3FullAccess",
	"AmazonS3ReadOnlyAccess",
	"IAMFullAccess",
	"IAMReadOnlyAccess",
	"PowerUserAccess",
	"ReadOnlyAccess",
}

// every returns the IAM and the Organizations policies.
func every() []*managed.Policy {
	return append(managed.All(), managed.Organizations()...)
}

func TestAllListsTheIAMPoliciesSortedByName(t *testing.T) {
	var got []string
	for _, p := range managed.All() {
		got = append(got, p.Name)
		if p.Kind != policy.Identity {
			t.Errorf("All() holds %s of kind %v, want only identity policies", p.Name, p.Kind)
		}
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("All() names %v, not sorted", got)
	}
	if strings.Join(got, ",") != strings.Join(iamNames, ",") {
		t.Errorf("All() names %v, want %v", got, iamNames)
	}
	// All returns a copy: changing it does not change the package's list.
	all := managed.All()
	all[0] = nil
	if managed.All()[0] == nil {
		t.Error("All() returned the package's own slice")
	}
}

func TestDocumentsParseAndFitTheirQuota(t *testing.T) {
	for _, p := range every() {
		t.Run(p.Name, func(t *testing.T) {
			if _, err := policy.Parse(p.Document, p.Kind); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var quota policy.Quota
			switch p.Kind {
			case policy.Identity:
				quota = policy.ManagedPolicyQuota
			case policy.ServiceControl, policy.ResourceControl:
				quota = policy.OrgPolicyQuota
			default:
				t.Fatalf("kind %v", p.Kind)
			}
			if p.Quota() != quota {
				t.Errorf("Quota() = %+v, want %+v", p.Quota(), quota)
			}
			if err := quota.Check(p.Document); err != nil {
				t.Errorf("%s.Check: %v (size %d)", quota.Name, err, policy.Size([]byte(p.Document)))
			}
			var v struct{ Version string }
			if err := json.Unmarshal([]byte(p.Document), &v); err != nil || v.Version != policy.Version2012 {
				t.Errorf("Version = %q (%v), want %s", v.Version, err, policy.Version2012)
			}
			if p.Compiled == nil || p.Compiled.Name != p.ARN || p.Compiled.Kind != p.Kind || p.Compiled.Document != p.Document {
				t.Errorf("Compiled = %+v, want the document compiled as %v and named %s", p.Compiled, p.Kind, p.ARN)
			}
		})
	}
}

var (
	policyIDShape = regexp.MustCompile(`^ANPA[A-Z2-7]{17}$`)
	versionShape  = regexp.MustCompile(`^v[1-9][0-9]*$`)
)

func TestIAMPolicyMetadata(t *testing.T) {
	ids := map[string]string{}
	for _, p := range managed.All() {
		if want := "arn:aws:iam::aws:policy/" + p.Name; p.ARN != want {
			t.Errorf("%s: ARN %q, want %q", p.Name, p.ARN, want)
		}
		if p.Path != "/" {
			t.Errorf("%s: Path %q, want /", p.Name, p.Path)
		}
		if !policyIDShape.MatchString(p.ID) {
			t.Errorf("%s: ID %q is not ANPA and 17 base32 characters", p.Name, p.ID)
		}
		if other, dup := ids[p.ID]; dup {
			t.Errorf("%s and %s share the ID %s", p.Name, other, p.ID)
		}
		ids[p.ID] = p.Name
		if !versionShape.MatchString(p.DefaultVersion) {
			t.Errorf("%s: DefaultVersion %q", p.Name, p.DefaultVersion)
		}
		if p.Description == "" || len(p.Description) > 1000 {
			t.Errorf("%s: Description %q, want 1 to 1000 characters", p.Name, p.Description)
		}
		if p.Created.IsZero() || p.Updated.Before(p.Created) {
			t.Errorf("%s: Created %v, Updated %v", p.Name, p.Created, p.Updated)
		}
	}
	// The ids are stable: derived from the name, not drawn at random.
	if p, _ := managed.Lookup(managed.AdministratorAccessARN); p.ID != "ANPAIX2YHETUFQ7XXU2IE" {
		t.Errorf("AdministratorAccess ID = %s; it must not change between releases", p.ID)
	}
}

func TestOrganizationsPolicies(t *testing.T) {
	tests := []struct {
		name, id, arn string
		kind          policy.Kind
		get           func(string) (*managed.Policy, bool)
	}{
		{"FullAWSAccess", "p-FullAWSAccess", "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", policy.ServiceControl, managed.SCP},
		{"RCPFullAWSAccess", "p-RCPFullAWSAccess", "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess", policy.ResourceControl, managed.RCP},
	}
	for _, tt := range tests {
		p, ok := tt.get(tt.name)
		if !ok {
			t.Fatalf("%s not found", tt.name)
		}
		if p.ID != tt.id || p.ARN != tt.arn || p.Kind != tt.kind || p.Path != "" || p.DefaultVersion != "" || p.Description == "" {
			t.Errorf("%s = %+v", tt.name, p)
		}
		if q, ok := managed.Lookup(tt.arn); !ok || q != p {
			t.Errorf("Lookup(%s) = %v, %v; want %s", tt.arn, q, ok, tt.name)
		}
	}
	if managed.FullAWSAccessARN != tests[0].arn || managed.RCPFullAWSAccessARN != tests[1].arn {
		t.Error("ARN constants do not match")
	}
	if _, ok := managed.SCP("RCPFullAWSAccess"); ok {
		t.Error("SCP(RCPFullAWSAccess) found an RCP")
	}
	if _, ok := managed.RCP("FullAWSAccess"); ok {
		t.Error("RCP(FullAWSAccess) found an SCP")
	}
}

func TestLookup(t *testing.T) {
	for _, name := range iamNames {
		arn := "arn:aws:iam::aws:policy/" + name
		p, ok := managed.Lookup(arn)
		if !ok || p.Name != name || p.ARN != arn {
			t.Errorf("Lookup(%s) = %v, %v", arn, p, ok)
		}
	}
	for _, arn := range []string{
		"",
		"AdministratorAccess",
		"arn:aws:iam::aws:policy/NoSuchPolicy",
		"arn:aws:iam::aws:policy/job-function/AdministratorAccess",
		"arn:aws:iam::111122223333:policy/AdministratorAccess",
		"arn:aws:organizations::aws:policy/service_control_policy/p-RCPFullAWSAccess",
	} {
		if p, ok := managed.Lookup(arn); ok {
			t.Errorf("Lookup(%q) = %s, want not found", arn, p.Name)
		}
	}
}

// TestGrants evaluates each policy alone against requests that show its
// intent.
func TestGrants(t *testing.T) {
	const (
		object   = "arn:aws:s3:::example-bucket/report.csv"
		bucket   = "arn:aws:s3:::example-bucket"
		anyRes   = "*"
		user     = "arn:aws:iam::111122223333:user/alice"
		role     = "arn:aws:iam::111122223333:role/deploy"
		slr      = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
		org      = "arn:aws:organizations::111122223333:organization/o-exampleorgid"
		account  = "arn:aws:organizations::111122223333:account/o-exampleorgid/444455556666"
		instance = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"
		secret   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"
		table    = "arn:aws:dynamodb:us-east-1:111122223333:table/orders"
		key      = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	)
	tests := []struct {
		policy, action, resource string
		allow                    bool
	}{
		{"AdministratorAccess", "s3:PutObject", object, true},
		{"AdministratorAccess", "iam:CreateUser", user, true},
		{"AdministratorAccess", "organizations:CreateAccount", anyRes, true},
		{"AdministratorAccess", "sts:AssumeRole", role, true},
		{"AdministratorAccess", "ec2:TerminateInstances", instance, true},

		{"ReadOnlyAccess", "s3:GetObject", object, true},
		{"ReadOnlyAccess", "s3:ListBucket", bucket, true},
		{"ReadOnlyAccess", "s3:ListAllMyBuckets", anyRes, true},
		{"ReadOnlyAccess", "s3:GetBucketPolicy", bucket, true},
		{"ReadOnlyAccess", "s3:DescribeJob", anyRes, true},
		{"ReadOnlyAccess", "s3-object-lambda:GetObject", object, true},
		{"ReadOnlyAccess", "iam:GetUser", user, true},
		{"ReadOnlyAccess", "iam:ListRoles", anyRes, true},
		{"ReadOnlyAccess", "iam:GetAccountAuthorizationDetails", anyRes, true},
		{"ReadOnlyAccess", "iam:GenerateCredentialReport", anyRes, true},
		{"ReadOnlyAccess", "iam:SimulatePrincipalPolicy", user, true},
		{"ReadOnlyAccess", "sts:GetCallerIdentity", anyRes, true},
		{"ReadOnlyAccess", "sts:GetAccessKeyInfo", anyRes, true},
		{"ReadOnlyAccess", "organizations:DescribeOrganization", anyRes, true},
		{"ReadOnlyAccess", "organizations:ListAccounts", anyRes, true},
		{"ReadOnlyAccess", "account:GetAccountInformation", anyRes, true},
		{"ReadOnlyAccess", "ec2:DescribeInstances", anyRes, true},
		{"ReadOnlyAccess", "dynamodb:Query", table, true},
		{"ReadOnlyAccess", "dynamodb:BatchGetItem", table, true},
		{"ReadOnlyAccess", "cloudtrail:LookupEvents", anyRes, true},
		{"ReadOnlyAccess", "S3:getobject", object, true}, // actions match case-insensitively
		{"ReadOnlyAccess", "s3:PutObject", object, false},
		{"ReadOnlyAccess", "s3:DeleteObject", object, false},
		{"ReadOnlyAccess", "s3:PutBucketPolicy", bucket, false},
		{"ReadOnlyAccess", "s3:CreateBucket", bucket, false},
		{"ReadOnlyAccess", "iam:CreateUser", user, false},
		{"ReadOnlyAccess", "iam:PassRole", role, false},
		{"ReadOnlyAccess", "iam:AttachRolePolicy", role, false},
		{"ReadOnlyAccess", "iam:CreateAccessKey", user, false},
		{"ReadOnlyAccess", "sts:AssumeRole", role, false},
		{"ReadOnlyAccess", "sts:TagSession", role, false},
		{"ReadOnlyAccess", "organizations:CreateAccount", anyRes, false},
		{"ReadOnlyAccess", "organizations:AttachPolicy", anyRes, false},
		{"ReadOnlyAccess", "account:PutAlternateContact", anyRes, false},
		{"ReadOnlyAccess", "ec2:RunInstances", instance, false},
		{"ReadOnlyAccess", "dynamodb:PutItem", table, false},
		{"ReadOnlyAccess", "kms:Decrypt", key, false},
		{"ReadOnlyAccess", "secretsmanager:PutSecretValue", secret, false},

		{"PowerUserAccess", "s3:PutObject", object, true},
		{"PowerUserAccess", "s3:DeleteBucket", bucket, true},
		{"PowerUserAccess", "ec2:RunInstances", instance, true},
		{"PowerUserAccess", "sts:AssumeRole", role, true},
		{"PowerUserAccess", "iam:CreateServiceLinkedRole", slr, true},
		{"PowerUserAccess", "iam:DeleteServiceLinkedRole", slr, true},
		{"PowerUserAccess", "iam:ListRoles", anyRes, true},
		{"PowerUserAccess", "organizations:DescribeOrganization", anyRes, true},
		{"PowerUserAccess", "organizations:DescribeEffectivePolicy", anyRes, true},
		{"PowerUserAccess", "account:ListRegions", anyRes, true},
		{"PowerUserAccess", "account:GetPrimaryEmail", anyRes, true},
		{"PowerUserAccess", "iam:CreateUser", user, false},
		{"PowerUserAccess", "iam:CreateRole", role, false},
		{"PowerUserAccess", "iam:PassRole", role, false},
		{"PowerUserAccess", "iam:GetRole", role, false},
		{"PowerUserAccess", "iam:ListUsers", anyRes, false},
		{"PowerUserAccess", "organizations:CreateAccount", anyRes, false},
		{"PowerUserAccess", "organizations:ListAccounts", anyRes, false},
		{"PowerUserAccess", "organizations:DescribeAccount", account, false},
		{"PowerUserAccess", "account:PutAlternateContact", anyRes, false},

		{"IAMFullAccess", "iam:CreateUser", user, true},
		{"IAMFullAccess", "iam:PassRole", role, true},
		{"IAMFullAccess", "iam:DeleteRole", role, true},
		{"IAMFullAccess", "organizations:DescribeOrganization", org, true},
		{"IAMFullAccess", "organizations:DescribeAccount", account, true},
		{"IAMFullAccess", "organizations:ListRoots", anyRes, true},
		{"IAMFullAccess", "organizations:ListPoliciesForTarget", anyRes, true},
		{"IAMFullAccess", "organizations:ListTargetsForPolicy", anyRes, true},
		{"IAMFullAccess", "organizations:ListAccounts", anyRes, false},
		{"IAMFullAccess", "organizations:CreateAccount", anyRes, false},
		{"IAMFullAccess", "organizations:AttachPolicy", anyRes, false},
		{"IAMFullAccess", "s3:GetObject", object, false},
		{"IAMFullAccess", "sts:AssumeRole", role, false},

		{"IAMReadOnlyAccess", "iam:GetRole", role, true},
		{"IAMReadOnlyAccess", "iam:GetUser", user, true},
		{"IAMReadOnlyAccess", "iam:ListUsers", anyRes, true},
		{"IAMReadOnlyAccess", "iam:ListAttachedRolePolicies", role, true},
		{"IAMReadOnlyAccess", "iam:GenerateCredentialReport", anyRes, true},
		{"IAMReadOnlyAccess", "iam:GenerateServiceLastAccessedDetails", role, true},
		{"IAMReadOnlyAccess", "iam:SimulateCustomPolicy", anyRes, true},
		{"IAMReadOnlyAccess", "iam:SimulatePrincipalPolicy", user, true},
		{"IAMReadOnlyAccess", "iam:CreateRole", role, false},
		{"IAMReadOnlyAccess", "iam:PassRole", role, false},
		{"IAMReadOnlyAccess", "iam:CreateAccessKey", user, false},
		{"IAMReadOnlyAccess", "iam:GenerateOrganizationsAccessReport", anyRes, false},
		{"IAMReadOnlyAccess", "organizations:ListRoots", anyRes, false},
		{"IAMReadOnlyAccess", "s3:GetObject", object, false},

		{"AmazonS3FullAccess", "s3:PutObject", object, true},
		{"AmazonS3FullAccess", "s3:DeleteBucket", bucket, true},
		{"AmazonS3FullAccess", "s3:PutBucketPolicy", bucket, true},
		{"AmazonS3FullAccess", "s3-object-lambda:WriteGetObjectResponse", anyRes, true},
		{"AmazonS3FullAccess", "s3express:CreateSession", anyRes, false},
		{"AmazonS3FullAccess", "iam:GetUser", user, false},
		{"AmazonS3FullAccess", "sts:AssumeRole", role, false},

		{"AmazonS3ReadOnlyAccess", "s3:ListBucket", bucket, true},
		{"AmazonS3ReadOnlyAccess", "s3:GetObject", object, true},
		{"AmazonS3ReadOnlyAccess", "s3:GetObjectVersion", object, true},
		{"AmazonS3ReadOnlyAccess", "s3:ListAllMyBuckets", anyRes, true},
		{"AmazonS3ReadOnlyAccess", "s3:GetBucketPolicy", bucket, true},
		{"AmazonS3ReadOnlyAccess", "s3:DescribeJob", anyRes, true},
		{"AmazonS3ReadOnlyAccess", "s3-object-lambda:GetObject", object, true},
		{"AmazonS3ReadOnlyAccess", "s3-object-lambda:ListBucket", bucket, true},
		{"AmazonS3ReadOnlyAccess", "s3:PutObject", object, false},
		{"AmazonS3ReadOnlyAccess", "s3:DeleteObject", object, false},
		{"AmazonS3ReadOnlyAccess", "s3:PutBucketPolicy", bucket, false},
		{"AmazonS3ReadOnlyAccess", "s3-object-lambda:PutObject", object, false},
		{"AmazonS3ReadOnlyAccess", "iam:GetUser", user, false},

		{"FullAWSAccess", "s3:PutObject", object, true},
		{"FullAWSAccess", "iam:CreateUser", user, true},
		{"FullAWSAccess", "organizations:LeaveOrganization", anyRes, true},
		{"FullAWSAccess", "sts:AssumeRole", role, true},

		{"RCPFullAWSAccess", "s3:PutObject", object, true},
		{"RCPFullAWSAccess", "sts:AssumeRole", role, true},
		{"RCPFullAWSAccess", "kms:Decrypt", key, true},
		{"RCPFullAWSAccess", "secretsmanager:GetSecretValue", secret, true},
	}
	caller := &policy.Caller{Kind: policy.User, Account: "111122223333", ARN: user}
	for _, tt := range tests {
		p := find(t, tt.policy)
		req := policy.Request{Action: tt.action, Resource: tt.resource, Caller: caller, Context: policy.NewContext()}
		r := p.Compiled.Eval(&req, nil)
		if r.Deny != nil {
			t.Errorf("%s denies %s on %s with %s", tt.policy, tt.action, tt.resource, r.Deny)
		}
		if got := r.Allow != nil; got != tt.allow {
			t.Errorf("%s allows %s on %s: %v, want %v", tt.policy, tt.action, tt.resource, got, tt.allow)
		}
	}
}

// An RCP names every principal, so it lets through requests of callers of
// any kind, anonymous ones too.
func TestRCPFullAWSAccessAnyCaller(t *testing.T) {
	p, _ := managed.RCP("RCPFullAWSAccess")
	for _, c := range []*policy.Caller{
		nil,
		{Kind: policy.Anonymous},
		{Kind: policy.Root, Account: "444455556666", ARN: "arn:aws:iam::444455556666:root"},
		{Kind: policy.Service, ServiceName: "cloudtrail.amazonaws.com"},
	} {
		req := policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::example-bucket/x", Caller: c, Context: policy.NewContext()}
		if r := p.Compiled.Eval(&req, nil); r.Allow == nil || r.Deny != nil {
			t.Errorf("caller %+v: %+v, want allowed", c, r)
		}
	}
}

// No managed policy here denies: a Deny in a managed policy would take
// away what the user's other policies grant.
func TestNoPolicyDenies(t *testing.T) {
	for _, p := range every() {
		for _, s := range p.Compiled.Statements {
			if s.Effect != policy.Allow {
				t.Errorf("%s has a %v statement", s, s.Effect)
			}
		}
	}
}

func find(t *testing.T, name string) *managed.Policy {
	t.Helper()
	if p, ok := managed.Lookup("arn:aws:iam::aws:policy/" + name); ok {
		return p
	}
	if p, ok := managed.SCP(name); ok {
		return p
	}
	if p, ok := managed.RCP(name); ok {
		return p
	}
	t.Fatalf("no managed policy %s", name)
	return nil
}
