package session_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/session"
)

func TestPackedPolicySize(t *testing.T) {
	awsTags := []trustgate.Tag{{Key: "Project", Value: "Unicorn"}, {Key: "Team", Value: "Automation"}, {Key: "Cost-Center", Value: "12345"}}
	spaced := strings.NewReplacer(`":`, `": `, `,`, ",\n  ").Replace(s3Policy)
	var shortTags, longTags, maxTags []trustgate.Tag
	words := []string{"engineering", "marketing", "prod", "dev", "alice", "bob", "us-east-1"}
	for i := range 50 {
		shortTags = append(shortTags, trustgate.Tag{Key: "Key" + strconv.Itoa(i), Value: words[i%len(words)]})
		maxTags = append(maxTags, trustgate.Tag{Key: randomText(2*i, session.MaxTagKeyChars), Value: randomText(2*i+1, session.MaxTagValueChars)})
		longTags = append(longTags, trustgate.Tag{Key: strings.Repeat("k", 127) + strconv.Itoa(i%10), Value: strings.Repeat("v", session.MaxTagValueChars)})
	}
	var arns []string
	for i := range session.MaxPolicyARNs {
		arns = append(arns, "arn:aws:iam::111122223333:policy/team/"+randomText(i, 150))
	}
	tests := []struct {
		name     string
		policy   string
		arns     []string
		tags     []trustgate.Tag
		min, max int
	}{
		{"nothing", "", nil, nil, 0, 0},
		// The example of the STS API Reference for AssumeRole reports 8.
		{"AWS's AssumeRole example", s3Policy, nil, awsTags, 8, 8},
		{"whitespace in the policy does not count", spaced, nil, awsTags, 8, 8},
		{"one managed policy", "", []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, nil, 1, 5},
		{"repetitive 2,048-character policy", bigPolicy(), nil, nil, 5, 20},
		{"typical 2,048-character policy", typicalPolicy(), nil, nil, 20, 45},
		{"2,048 random characters", randomText(1, session.MaxSessionPolicyChars), nil, nil, 75, 100},
		{"10 long random policy ARNs", "", arns, nil, 50, 100},
		{"50 short tags", "", nil, shortTags, 5, 25},
		{"50 repetitive tags at the length limits", "", nil, longTags, 1, 25},
		{"5 random tags at the length limits", "", nil, maxTags[:5], 60, 100},
		{"10 random tags at the length limits", "", nil, maxTags[:10], 101, 1000},
		{"50 random tags at the length limits", "", nil, maxTags, 101, 10000},
		{"random policy and random tags", randomText(1, session.MaxSessionPolicyChars), nil, maxTags[:3], 101, 1000},
	}
	for _, tt := range tests {
		got := session.PackedPolicySize(tt.policy, tt.arns, tt.tags)
		t.Logf("PackedPolicySize(%s) = %d", tt.name, got)
		if got < tt.min || got > tt.max {
			t.Errorf("PackedPolicySize(%s) = %d, want %d to %d", tt.name, got, tt.min, tt.max)
		}
	}
}

// More to pack never takes less space than its part, give or take the
// rounding of DEFLATE's last byte.
func TestPackedPolicySizeGrows(t *testing.T) {
	var tags []trustgate.Tag
	prev := 0
	for i := range session.MaxSessionTags {
		tags = append(tags, trustgate.Tag{Key: "k" + strconv.Itoa(i), Value: randomText(i, 30)})
		got := session.PackedPolicySize(s3Policy, nil, tags)
		if got < prev {
			t.Errorf("PackedPolicySize(policy, %d tags) = %d, less than %d with one tag fewer", len(tags), got, prev)
		}
		prev = got
	}
}

// typicalPolicy is a policy of about 2,000 characters granting a few
// actions each on buckets of varied names, under conditions.
func typicalPolicy() string {
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:Query", "sqs:SendMessage", "kms:Decrypt", "logs:PutLogEvents"}
	var stmts []string
	for i := 0; ; i++ {
		st := `{"Sid":"Grant` + strconv.Itoa(i) + `","Effect":"Allow","Action":["` + actions[i%7] + `","` + actions[(i*3+1)%7] +
			`"],"Resource":"arn:aws:s3:::` + strings.ToLower(randomText(i, 14)) + `/data/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"team-` + strconv.Itoa(i*37%100) + `"}}}`
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(append(stmts, st), ",") + `]}`
		if len(doc) > session.MaxSessionPolicyChars {
			return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		}
		stmts = append(stmts, st)
	}
}
