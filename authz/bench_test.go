package authz_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
)

// benchRequest builds a cross-account S3 GetObject by a role session of
// account 222222222222 to a bucket of account 111111111111, facing
// identityPolicies policies of perPolicy statements each (one of them the
// grant), a bucket policy, and three SCP levels. Most statements are about
// other services and actions, as in a real account.
func benchRequest(b testing.TB, identityPolicies, perPolicy int) *authz.Request {
	b.Helper()
	services := []string{"ec2", "iam", "dynamodb", "lambda", "sqs", "sns", "kms", "logs", "cloudwatch", "s3"}
	verbs := []string{"Describe", "List", "Get", "Put", "Create", "Delete", "Update", "Tag"}
	mk := func(doc string, kind policy.Kind, name string) *policy.Policy {
		p, err := policy.Parse(doc, kind)
		if err != nil {
			b.Fatalf("%s: %v\n%s", name, err, doc)
		}
		p.Name = name
		return p
	}
	var identity []*policy.Policy
	n := 0
	for i := range identityPolicies {
		var stmts []string
		for j := range perPolicy {
			n++
			svc := services[n%len(services)]
			verb := verbs[n%len(verbs)]
			action := fmt.Sprintf("%s:%sThing%d", svc, verb, n)
			if j%4 == 3 {
				action = fmt.Sprintf("%s:%s*", svc, verb)
			}
			region := "us-east-1"
			if svc == "iam" || svc == "s3" {
				region = "" // global services have no region in their ARNs
			}
			stmt := fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":[%q,"%s:Other%d"],"Resource":"arn:aws:%s:%s:222222222222:thing/%d/*"`, n, action, svc, n, svc, region, n)
			if j%5 == 0 {
				stmt += `,"Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}`
			}
			stmts = append(stmts, stmt+"}")
		}
		if i == identityPolicies/2 {
			stmts = append(stmts, `{"Sid":"ReadShared","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::shared-data","arn:aws:s3:::shared-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)
		}
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		identity = append(identity, mk(doc, policy.Identity, fmt.Sprintf("identity-%d", i)))
	}
	bucket := mk(`{"Version":"2012-10-17","Statement":[
		{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::shared-data","arn:aws:s3:::shared-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::shared-data","arn:aws:s3:::shared-data/*"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}},
		{"Sid":"Writers","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:role/Writer"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::shared-data/incoming/*"}]}`,
		policy.Resource, "bucket policy")
	full := mk(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.ServiceControl, "FullAWSAccess")
	denyRegions := mk(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","s3:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`, policy.ServiceControl, "DenyOtherRegions")
	denyLeave := mk(`{"Version":"2012-10-17","Statement":[{"Sid":"NoLeaving","Effect":"Deny","Action":["organizations:LeaveOrganization","iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}`, policy.ServiceControl, "Guardrails")

	ctx := policy.NewContext()
	caller, err := authz.ParseCaller("arn:aws:sts::222222222222:assumed-role/Analyst/alice")
	if err != nil {
		b.Fatal(err)
	}
	authz.SetCallerKeys(ctx, &authz.CallerFacts{Caller: caller, UserID: "AROAEXAMPLE:alice", OrgID: "o-a1b2c3d4e5", OrgPaths: []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-dev/"}, Temporary: true}, benchTime)
	authz.SetRequestKeys(ctx, &authz.RequestFacts{Time: benchTime, SourceIP: "10.1.2.3", SecureTransport: true, Region: "us-east-1", ResourceAccount: "111111111111"})

	return &authz.Request{
		Caller:          caller,
		Action:          "s3:GetObject",
		Resource:        "arn:aws:s3:::shared-data/reports/2026/q3.csv",
		ResourceAccount: "111111111111",
		Context:         ctx,
		Identity:        identity,
		ResourcePolicy:  bucket,
		SCPs: []authz.Level{
			{Target: "r-ab12", Policies: []*policy.Policy{full, denyLeave}},
			{Target: "ou-ab12-dev", Policies: []*policy.Policy{full, denyRegions}},
			{Target: "222222222222", Policies: []*policy.Policy{full}},
		},
		ManagementAccount: "999999999999",
	}
}

// TestBenchmarkRequests keeps the benchmarks' policies valid and their
// request allowed, since CI runs no benchmark.
func TestBenchmarkRequests(t *testing.T) {
	for _, size := range []int{9, 100} {
		req := benchRequest(t, 10, size)
		if r := authz.Evaluate(req); r.Decision != authz.Allow {
			t.Errorf("benchmark request with %d statements per policy = %v (%s), want Allow", size, r.Decision, r.Summary(req.Action))
		}
	}
}

// BenchmarkEvaluateTypical is the request every shared bucket sees: ten
// identity policies, a bucket policy and three SCP levels, about 100
// statements in all.
func BenchmarkEvaluateTypical(b *testing.B) {
	req := benchRequest(b, 10, 9)
	benchEvaluate(b, req)
}

// BenchmarkEvaluateLarge faces the same request with 1,000 identity
// statements: the cost should barely move.
func BenchmarkEvaluateLarge(b *testing.B) {
	req := benchRequest(b, 10, 100)
	benchEvaluate(b, req)
}

func benchEvaluate(b *testing.B, req *authz.Request) {
	if r := authz.Evaluate(req); r.Decision != authz.Allow {
		b.Fatalf("Evaluate = %v (%s), want Allow", r.Decision, r.Reason(req.Action))
	}
	statements := 0
	for _, p := range req.Identity {
		statements += len(p.Statements)
	}
	statements += len(req.ResourcePolicy.Statements)
	for _, l := range req.SCPs {
		for _, p := range l.Policies {
			statements += len(p.Statements)
		}
	}
	b.ReportMetric(float64(statements), "statements")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		authz.Evaluate(req)
	}
}

// BenchmarkParse measures compiling a typical managed policy.
func BenchmarkParse(b *testing.B) {
	req := benchRequest(b, 1, 9)
	doc := req.Identity[0].Document
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse(doc, policy.Identity); err != nil {
			b.Fatal(err)
		}
	}
}

var benchTime = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
