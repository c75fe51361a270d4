package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// tagRole creates a role of the management account with a trust policy
// of statements, tags, and an inline policy that lets its sessions call
// iam:GetRole on TEAM-tagged only to a session whose aws:PrincipalTag/Team
// is TEAM, and iam:ListRoles only to one whose aws:SourceIdentity is dev.
// It returns the role's ARN.
func (ts *testServer) tagRole(t *testing.T, name, trustStatements string, tags ...iamtypes.Tag) string {
	t.Helper()
	root := ts.rootIAM()
	trust := `{"Version":"2012-10-17","Statement":[` + trustStatements + `]}`
	out, err := root.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust), Tags: tags})
	if err != nil {
		t.Fatalf("CreateRole(%s): %v", name, err)
	}
	mustDo(t, "PutRolePolicy", func() error {
		_, err := root.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("by-tag"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Resource":"*"},
				{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::*:role/${aws:PrincipalTag/Team}-tagged"},
				{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"dev"}}}]}`)})
		return err
	})
	return aws.ToString(out.Role.Arn)
}

// seesTeam reports whether a session's aws:PrincipalTag/Team is team,
// through the role policy tagRole puts: GetRole on TEAM-tagged.
func seesTeam(t *testing.T, c *iam.Client, team string) bool {
	_, err := c.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(team + "-tagged")})
	if err != nil && !strings.Contains(err.Error(), "AccessDenied") && !strings.Contains(err.Error(), "NoSuchEntity") {
		t.Fatalf("GetRole(%s-tagged): %v", team, err)
	}
	return err == nil || strings.Contains(err.Error(), "NoSuchEntity")
}

// userAllowed creates a user with an inline policy of doc.
func (ts *testServer) userAllowed(t *testing.T, name, doc string) {
	t.Helper()
	ts.newUser(t, name)
	mustDo(t, "PutUserPolicy", func() error {
		_, err := ts.rootIAM().PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("allowed"), PolicyDocument: aws.String(doc)})
		return err
	})
}

func tag(k, v string) ststypes.Tag { return ststypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

// Session tags need sts:TagSession in the trust policy, meet its
// aws:RequestTag conditions, and become the session's aws:PrincipalTag,
// over the role's own tags (note 33).
func TestAssumeRoleSessionTags(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	acct := ts.Root.AccountId
	ts.userAllowed(t, "dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}`)
	dev := `"Principal":{"AWS":"arn:aws:iam::` + acct + `:user/dev"}`
	untaggable := ts.tagRole(t, "Untaggable", `{"Effect":"Allow",`+dev+`,"Action":"sts:AssumeRole"}`)
	taggable := ts.tagRole(t, "Taggable", `{"Effect":"Allow",`+dev+`,"Action":"sts:AssumeRole"},
		{"Effect":"Allow",`+dev+`,"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/Team":["data","web"]}}}`,
		iamtypes.Tag{Key: aws.String("team"), Value: aws.String("ops")})
	devSTS := ts.userSTS(t, "dev")

	_, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(untaggable), RoleSessionName: aws.String("sess"), Tags: []ststypes.Tag{tag("Team", "data")}})
	wantAPIError(t, "AssumeRole with tags, no sts:TagSession in the trust policy", err, "AccessDenied",
		"is not authorized to perform: sts:TagSession on resource: "+untaggable)
	if _, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(untaggable), RoleSessionName: aws.String("sess")}); err != nil {
		t.Errorf("AssumeRole without tags, no sts:TagSession needed: %v", err)
	}
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(taggable), RoleSessionName: aws.String("sess"), Tags: []ststypes.Tag{tag("Team", "finance")}})
	wantAPIError(t, "AssumeRole with a tag value the trust policy does not allow", err, "AccessDenied", "sts:TagSession")

	out, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(taggable), RoleSessionName: aws.String("sess"), Tags: []ststypes.Tag{tag("Team", "data")}})
	if err != nil {
		t.Fatalf("AssumeRole with an allowed tag: %v", err)
	}
	if aws.ToInt32(out.PackedPolicySize) <= 0 {
		t.Errorf("PackedPolicySize = %v, want the tags' share", out.PackedPolicySize)
	}
	_, session := ts.sessionClients(out.Credentials)
	if !seesTeam(t, session, "data") || seesTeam(t, session, "ops") {
		t.Errorf("the session tag Team=data does not replace the role tag team=ops in aws:PrincipalTag")
	}
	out, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(taggable), RoleSessionName: aws.String("sess")})
	if err != nil {
		t.Fatal(err)
	}
	_, session = ts.sessionClients(out.Credentials)
	if !seesTeam(t, session, "ops") {
		t.Errorf("a session without tags does not carry the role's tag team=ops")
	}

	for _, c := range []struct {
		name       string
		tags       []ststypes.Tag
		transitive []string
		code, msg  string
	}{
		{"keys differing in case", []ststypes.Tag{tag("Team", "data"), tag("team", "web")}, nil,
			"InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"a transitive key that is no tag", []ststypes.Tag{tag("Team", "data")}, []string{"Project"}, "InvalidParameterValue", "Project"},
		{"a reserved key", []ststypes.Tag{tag("aws:team", "data")}, nil, "InvalidParameterValue", "aws:"},
		{"a key with a forbidden character", []ststypes.Tag{tag("team#1", "data")}, nil, "ValidationError", "tags.1.member.key"},
		{"a value of 257 characters", []ststypes.Tag{tag("Team", strings.Repeat("v", 257))}, nil, "ValidationError", "256"},
		{"51 tags", manyTags(51), nil, "ValidationError", "Member must have length less than or equal to 50"},
	} {
		_, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(taggable), RoleSessionName: aws.String("sess"), Tags: c.tags, TransitiveTagKeys: c.transitive})
		wantAPIError(t, "AssumeRole with "+c.name, err, c.code, c.msg)
	}
}

func manyTags(n int) []ststypes.Tag {
	var out []ststypes.Tag
	for i := range n {
		out = append(out, tag("k"+strconv.Itoa(i), "v"))
	}
	return out
}

// Transitive tags pass down a role chain and cannot be overridden there;
// other session tags stay with their session (note 33).
func TestTransitiveSessionTags(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	acct := ts.Root.AccountId
	ts.userAllowed(t, "dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}`)
	trustAll := `{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":["sts:AssumeRole","sts:TagSession"]}`
	first := ts.tagRole(t, "First", trustAll)
	second := ts.tagRole(t, "Second", trustAll)
	third := ts.tagRole(t, "Third", `{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"sts:AssumeRole"}`)

	out, err := ts.userSTS(t, "dev").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("one"),
		Tags: []ststypes.Tag{tag("Team", "data"), tag("Shift", "night")}, TransitiveTagKeys: []string{"team"}})
	if err != nil {
		t.Fatalf("AssumeRole with a transitive tag: %v", err)
	}
	firstSTS, _ := ts.sessionClients(out.Credentials)

	_, err = firstSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two"), Tags: []ststypes.Tag{tag("TEAM", "web")}})
	wantAPIError(t, "a chained AssumeRole overriding a transitive tag", err, "InvalidParameterValue", "TEAM")

	out, err = firstSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two")})
	if err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	_, secondIAM := ts.sessionClients(out.Credentials)
	if !seesTeam(t, secondIAM, "data") {
		t.Errorf("the chained session did not inherit the transitive tag Team=data")
	}
	secondSTS, _ := ts.sessionClients(out.Credentials)
	_, err = secondSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(third), RoleSessionName: aws.String("three")})
	wantAPIError(t, "a chained AssumeRole carrying transitive tags to a role without sts:TagSession", err, "AccessDenied", "sts:TagSession")
}

// A source identity needs sts:SetSourceIdentity, is aws:SourceIdentity to
// the session's requests, and holds through a role chain, where it cannot
// change and every role must allow it again (note 34).
func TestSourceIdentity(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	acct := ts.Root.AccountId
	ts.userAllowed(t, "dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
		{"Effect":"Allow","Action":"sts:SetSourceIdentity","Resource":"*","Condition":{"StringEquals":{"sts:SourceIdentity":"${aws:username}"}}}]}`)
	anyone := `"Principal":{"AWS":"` + acct + `"}`
	plain := ts.tagRole(t, "Plain", `{"Effect":"Allow",`+anyone+`,"Action":"sts:AssumeRole"}`)
	audited := ts.tagRole(t, "Audited", `{"Effect":"Allow",`+anyone+`,"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}`)
	next := ts.tagRole(t, "Next", `{"Effect":"Allow",`+anyone+`,"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}`)
	devSTS := ts.userSTS(t, "dev")

	_, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(plain), RoleSessionName: aws.String("sess"), SourceIdentity: aws.String("dev")})
	wantAPIError(t, "AssumeRole with a source identity, no sts:SetSourceIdentity in the trust policy", err, "AccessDenied",
		"is not authorized to perform: sts:SetSourceIdentity on resource: "+plain)
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(audited), RoleSessionName: aws.String("sess"), SourceIdentity: aws.String("alice")})
	wantAPIError(t, "AssumeRole with a source identity the caller's policy does not allow", err, "AccessDenied", "sts:SetSourceIdentity")
	for _, bad := range []struct{ value, code string }{{"x", "ValidationError"}, {"has space", "ValidationError"}, {"aws:dev", "ValidationError"}} {
		_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(audited), RoleSessionName: aws.String("sess"), SourceIdentity: aws.String(bad.value)})
		wantAPIError(t, "AssumeRole with source identity "+bad.value, err, bad.code, "")
	}

	out, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(audited), RoleSessionName: aws.String("sess"), SourceIdentity: aws.String("dev")})
	if err != nil {
		t.Fatalf("AssumeRole with source identity dev: %v", err)
	}
	if aws.ToString(out.SourceIdentity) != "dev" {
		t.Errorf("AssumeRole's SourceIdentity = %q, want dev", aws.ToString(out.SourceIdentity))
	}
	sessionSTS, sessionIAM := ts.sessionClients(out.Credentials)
	if _, err := sessionIAM.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles allowed only to aws:SourceIdentity dev: %v", err)
	}

	_, err = sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(plain), RoleSessionName: aws.String("sess2")})
	wantAPIError(t, "a chained AssumeRole carrying a source identity to a role without sts:SetSourceIdentity", err, "AccessDenied", "sts:SetSourceIdentity")
	_, err = sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("sess2"), SourceIdentity: aws.String("alice")})
	wantAPIError(t, "a chained AssumeRole changing the source identity", err, "AccessDenied", "cannot be changed")
	out, err = sessionSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("sess2")})
	if err != nil {
		t.Fatalf("chained AssumeRole keeping the source identity: %v", err)
	}
	if aws.ToString(out.SourceIdentity) != "dev" {
		t.Errorf("the chained session's SourceIdentity = %q, want dev", aws.ToString(out.SourceIdentity))
	}
}
