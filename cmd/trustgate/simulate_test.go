package main

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// decisions maps "action resource" to each result's decision.
func decisions(results []iamtypes.EvaluationResult) map[string]iamtypes.PolicyEvaluationDecisionType {
	out := map[string]iamtypes.PolicyEvaluationDecisionType{}
	for _, r := range results {
		out[aws.ToString(r.EvalActionName)+" "+aws.ToString(r.EvalResourceName)] = r.EvalDecision
	}
	return out
}

// SimulatePrincipalPolicy decides with a user's own and its groups'
// policies, names the statements that decided and where they are, and
// agrees with what the server enforces (note 35).
func TestSimulatePrincipalPolicy(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	acct := ts.Root.AccountId
	alice := ts.newUser(t, "alice")
	mustDo(t, "CreateGroup", func() error {
		_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Readers")})
		return err
	})
	mustDo(t, "AddUserToGroup", func() error {
		_, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("alice")})
		return err
	})
	mustDo(t, "PutGroupPolicy", func() error {
		_, err := root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Readers"), PolicyName: aws.String("read-data"),
			PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}`)})
		return err
	})
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("no-deletes"),
			PolicyDocument: aws.String("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"*\"}\n  ]\n}")})
		return err
	})
	aliceARN := "arn:aws:iam::" + acct + ":user/alice"

	out, err := root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(aliceARN),
		ActionNames: []string{"s3:GetObject", "s3:DeleteObject", "iam:CreateUser"}, ResourceArns: []string{"arn:aws:s3:::data/report.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	got := decisions(out.EvaluationResults)
	want := map[string]iamtypes.PolicyEvaluationDecisionType{
		"s3:GetObject arn:aws:s3:::data/report.csv":    iamtypes.PolicyEvaluationDecisionTypeAllowed,
		"s3:DeleteObject arn:aws:s3:::data/report.csv": iamtypes.PolicyEvaluationDecisionTypeExplicitDeny,
		"iam:CreateUser arn:aws:s3:::data/report.csv":  iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("simulated %s = %q, want %q", k, got[k], v)
		}
	}
	for _, r := range out.EvaluationResults {
		var ids []string
		for _, m := range r.MatchedStatements {
			ids = append(ids, aws.ToString(m.SourcePolicyId)+"/"+string(m.SourcePolicyType))
		}
		switch aws.ToString(r.EvalActionName) {
		case "s3:GetObject":
			if !slices.Equal(ids, []string{"no-deletes/user", "read-data/group"}) {
				t.Errorf("GetObject matched %v, want alice's and her group's allows", ids)
			}
		case "s3:DeleteObject":
			if len(r.MatchedStatements) != 1 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "no-deletes" {
				t.Fatalf("DeleteObject matched %v, want the deny alone", ids)
			}
			start, end := r.MatchedStatements[0].StartPosition, r.MatchedStatements[0].EndPosition
			if start.Line != 5 || start.Column != 5 || end.Line != 5 || end.Column != 69 {
				t.Errorf("the deny spans %+v to %+v, want line 5, columns 5 to 69", *start, *end)
			}
		case "iam:CreateUser":
			if len(r.MatchedStatements) != 0 {
				t.Errorf("an implicit deny matched %v", ids)
			}
		}
		if len(r.ResourceSpecificResults) != 1 || r.ResourceSpecificResults[0].EvalResourceDecision != r.EvalDecision {
			t.Errorf("%s: ResourceSpecificResults = %+v", aws.ToString(r.EvalActionName), r.ResourceSpecificResults)
		}
	}

	// The simulator and the server agree: iam:CreateUser is denied, then
	// allowed once a policy grants it.
	_, err = alice.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	wantAPIError(t, "CreateUser that the simulator denies", err, "AccessDenied", "iam:CreateUser")
	mustDo(t, "PutUserPolicy", func() error {
		_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("make-users"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`)})
		return err
	})
	out, err = root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(aliceARN), ActionNames: []string{"iam:CreateUser"}})
	if err != nil || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("simulated CreateUser after the grant = %+v, %v", out, err)
	}
	if _, err := alice.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Errorf("CreateUser that the simulator allows: %v", err)
	}

	// A boundary given to the simulation caps the user's policies.
	out, err = root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(aliceARN), ActionNames: []string{"s3:GetObject", "s3:ListBucket"},
		PermissionsBoundaryPolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}`}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.EvaluationResults {
		allowed := aws.ToString(r.EvalActionName) == "s3:ListBucket"
		if (r.EvalDecision == iamtypes.PolicyEvaluationDecisionTypeAllowed) != allowed || r.PermissionsBoundaryDecisionDetail == nil ||
			r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != allowed {
			t.Errorf("%s under the boundary = %s, boundary detail %+v", aws.ToString(r.EvalActionName), r.EvalDecision, r.PermissionsBoundaryDecisionDetail)
		}
	}

	// Alice may not simulate without iam:SimulatePrincipalPolicy; the
	// source must be a user, group or role of the caller's account.
	_, err = alice.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(aliceARN), ActionNames: []string{"s3:GetObject"}})
	wantAPIError(t, "SimulatePrincipalPolicy without permission", err, "AccessDenied", "iam:SimulatePrincipalPolicy")
	_, err = root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + acct + ":user/nobody"), ActionNames: []string{"s3:GetObject"}})
	wantAPIError(t, "SimulatePrincipalPolicy of a missing user", err, "NoSuchEntity", "nobody")
	mustDo(t, "CreateRole", func() error {
		_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Reader"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}]}`)})
		return err
	})
	_, err = root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + acct + ":role/Reader"), ActionNames: []string{"s3:GetObject"},
		ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)})
	wantAPIError(t, "SimulatePrincipalPolicy of a role with a resource policy and no CallerArn", err, "InvalidInput", "CallerArn")
}

// SimulateCustomPolicy takes the policies as documents, context entries
// for their conditions, and a resource policy of another account (note 35).
func TestSimulateCustomPolicy(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootIAM()
	caller := "arn:aws:iam::111122223333:user/dev"
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`

	out, err := root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny || !slices.Equal(r.MissingContextValues, []string{"aws:SourceIp"}) {
		t.Errorf("without context = %s, missing %v; want implicitDeny, missing aws:SourceIp", r.EvalDecision, r.MissingContextValues)
	}
	sourceIP := []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyType: iamtypes.ContextKeyTypeEnumIp, ContextKeyValues: []string{"10.1.2.3"}}}
	out, err = root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}, ContextEntries: sourceIP})
	if err != nil || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(out.EvaluationResults[0].MissingContextValues) != 0 {
		t.Errorf("with aws:SourceIp 10.1.2.3 = %+v, %v; want allowed", out, err)
	}

	// Across accounts both sides must allow.
	object := "arn:aws:s3:::shared/data.csv"
	for _, c := range []struct {
		name, resourcePolicy string
		want                 iamtypes.PolicyEvaluationDecisionType
		resourceSide         string
	}{
		{"a bucket policy granting the caller", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + caller + `"},"Action":"s3:GetObject","Resource":"*"}]}`,
			iamtypes.PolicyEvaluationDecisionTypeAllowed, "allowed"},
		{"a bucket policy granting someone else", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ops"},"Action":"s3:GetObject","Resource":"*"}]}`,
			iamtypes.PolicyEvaluationDecisionTypeImplicitDeny, "implicitDeny"},
	} {
		out, err := root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"},
			ResourceArns: []string{object}, ResourcePolicy: aws.String(c.resourcePolicy), ResourceOwner: aws.String("444455556666"), CallerArn: aws.String(caller), ContextEntries: sourceIP})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		r := out.EvaluationResults[0]
		if r.EvalDecision != c.want || r.EvalDecisionDetails["IAM Policy"] != "allowed" || r.EvalDecisionDetails["Resource Policy"] != iamtypes.PolicyEvaluationDecisionType(c.resourceSide) {
			t.Errorf("%s: %s, details %v; want %s with the resource side %s", c.name, r.EvalDecision, r.EvalDecisionDetails, c.want, c.resourceSide)
		}
	}

	_, err = root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":[{"Effect":"Permit"}]}`}, ActionNames: []string{"s3:GetObject"}})
	wantAPIError(t, "SimulateCustomPolicy with a malformed policy", err, "InvalidInput", "PolicyInputList.1")
	_, err = root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"GetObject"}})
	wantAPIError(t, "SimulateCustomPolicy with an action without its service", err, "InvalidInput", "GetObject")
}
