package authz_test

import (
	"slices"
	"testing"
	"time"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
)

func mustCaller(t *testing.T, arn string) policy.Caller {
	t.Helper()
	c, err := authz.ParseCaller(arn)
	if err != nil {
		t.Fatalf("ParseCaller(%q): %v", arn, err)
	}
	return c
}

// TestCallerKeys checks the global keys that describe each kind of caller
// (docs/aws-behaviour.md notes 15 and 16).
func TestCallerKeys(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		facts authz.CallerFacts
		want  map[string][]string // nil value: the key must be absent
	}{
		{
			name:  "IAM user with a long-term key",
			facts: authz.CallerFacts{Caller: mustCaller(t, "arn:aws:iam::111111111111:user/alice"), UserID: "AIDAEXAMPLE", Username: "alice"},
			want: map[string][]string{
				"aws:PrincipalType":          {"User"},
				"aws:PrincipalArn":           {"arn:aws:iam::111111111111:user/alice"},
				"aws:PrincipalAccount":       {"111111111111"},
				"aws:username":               {"alice"},
				"aws:userid":                 {"AIDAEXAMPLE"},
				"aws:MultiFactorAuthPresent": nil,
				"aws:MultiFactorAuthAge":     nil,
				"aws:PrincipalIsAWSService":  {"false"},
			},
		},
		{
			name: "role session without MFA",
			facts: authz.CallerFacts{Caller: mustCaller(t, "arn:aws:sts::111111111111:assumed-role/Deployer/ci"), UserID: "AROAEXAMPLE:ci",
				Username: "ignored", Temporary: true, TokenIssued: now.Add(-time.Hour)},
			want: map[string][]string{
				"aws:PrincipalType":          {"AssumedRole"},
				"aws:PrincipalArn":           {"arn:aws:iam::111111111111:role/Deployer"},
				"aws:userid":                 {"AROAEXAMPLE:ci"},
				"aws:username":               nil,
				"aws:MultiFactorAuthPresent": {"false"},
				"aws:MultiFactorAuthAge":     nil,
				"aws:TokenIssueTime":         {"2026-11-22T11:00:00Z"},
			},
		},
		{
			name: "role session with MFA ten minutes old, in an organization, with tags",
			facts: authz.CallerFacts{Caller: mustCaller(t, "arn:aws:sts::111111111111:assumed-role/Deployer/ci"), Temporary: true,
				MFAAuthenticated: now.Add(-10 * time.Minute), OrgID: "o-a1b2c3d4e5", OrgPaths: []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
				Tags: map[string]string{"team": "data"}, SourceIdentity: "alice"},
			want: map[string][]string{
				"aws:MultiFactorAuthPresent": {"true"},
				"aws:MultiFactorAuthAge":     {"600"},
				"aws:PrincipalOrgID":         {"o-a1b2c3d4e5"},
				"aws:PrincipalOrgPaths":      {"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
				"aws:PrincipalTag/team":      {"data"},
				"aws:SourceIdentity":         {"alice"},
			},
		},
		{
			name:  "root user",
			facts: authz.CallerFacts{Caller: mustCaller(t, "arn:aws:iam::111111111111:root"), UserID: "111111111111"},
			want: map[string][]string{
				"aws:PrincipalType": {"Account"},
				"aws:PrincipalArn":  {"arn:aws:iam::111111111111:root"},
				"aws:userid":        {"111111111111"},
			},
		},
		{
			name:  "anonymous",
			facts: authz.CallerFacts{Caller: mustCaller(t, "anonymous")},
			want: map[string][]string{
				"aws:PrincipalType":    {"Anonymous"},
				"aws:PrincipalArn":     nil,
				"aws:PrincipalAccount": nil,
			},
		},
		{
			name:  "AWS service",
			facts: authz.CallerFacts{Caller: mustCaller(t, "cloudtrail.amazonaws.com")},
			want: map[string][]string{
				"aws:PrincipalIsAWSService": {"true"},
				"aws:PrincipalServiceName":  {"cloudtrail.amazonaws.com"},
				"aws:PrincipalArn":          nil,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := policy.NewContext()
			authz.SetCallerKeys(ctx, &tt.facts, now)
			for key, want := range tt.want {
				got, ok := ctx.Get(key)
				if want == nil {
					if ok {
						t.Errorf("%s = %q, want absent", key, got)
					}
					continue
				}
				if !ok || !slices.Equal(got, want) {
					t.Errorf("%s = %q (present %v), want %q", key, got, ok, want)
				}
			}
		})
	}
}

func TestRequestKeys(t *testing.T) {
	ctx := policy.NewContext()
	authz.SetRequestKeys(ctx, &authz.RequestFacts{
		Time: time.Date(2026, 11, 22, 12, 0, 0, 0, time.FixedZone("CET", 3600)), SourceIP: "203.0.113.7",
		SecureTransport: false, Region: "eu-west-1", ResourceAccount: "222222222222",
	})
	want := map[string]string{
		"aws:CurrentTime":     "2026-11-22T11:00:00Z",
		"aws:EpochTime":       "1795345200",
		"aws:SecureTransport": "false",
		"aws:SourceIp":        "203.0.113.7",
		"aws:RequestedRegion": "eu-west-1",
		"aws:ResourceAccount": "222222222222",
	}
	for key, w := range want {
		if got, ok := ctx.Get(key); !ok || len(got) != 1 || got[0] != w {
			t.Errorf("%s = %q, want %q", key, got, w)
		}
	}
	if _, ok := ctx.Get("aws:ResourceOrgID"); ok {
		t.Error("aws:ResourceOrgID is set for a resource outside any organization")
	}
}

func TestParseCaller(t *testing.T) {
	tests := []struct {
		arn     string
		kind    policy.CallerKind
		issuer  string
		wantErr bool
	}{
		{"arn:aws:iam::111111111111:root", policy.Root, "", false},
		{"arn:aws:iam::111111111111:user/path/alice", policy.User, "", false},
		{"arn:aws:sts::111111111111:assumed-role/Deployer/ci", policy.AssumedRole, "arn:aws:iam::111111111111:role/Deployer", false},
		{"arn:aws:sts::111111111111:federated-user/bob", policy.FederatedUser, "", false},
		{"anonymous", policy.Anonymous, "", false},
		{"ec2.amazonaws.com", policy.Service, "", false},
		{"arn:aws:iam::111111111111:group/Developers", 0, "", true},
		{"arn:aws:sts::111111111111:assumed-role/Deployer", 0, "", true},
		{"arn:aws:iam::1111:user/alice", 0, "", true},
		{"alice", 0, "", true},
	}
	for _, tt := range tests {
		c, err := authz.ParseCaller(tt.arn)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseCaller(%q) error = %v, want error %v", tt.arn, err, tt.wantErr)
			continue
		}
		if err == nil && (c.Kind != tt.kind || c.IssuerARN != tt.issuer) {
			t.Errorf("ParseCaller(%q) = %v issuer %q, want %v issuer %q", tt.arn, c.Kind, c.IssuerARN, tt.kind, tt.issuer)
		}
	}
}
