package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// run executes the command line args in-process and returns its output.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestSimulateSeeds(t *testing.T) {
	out, err := run(t, "", "simulate", "../../authz/testdata/corpus/seeds.json")
	if err != nil {
		t.Fatalf("simulate seeds.json: %v\n%s", err, out)
	}
	for _, want := range []string{
		"=> Allow: allowed by an identity-based policy",
		"=> ImplicitDeny: because no resource-based policy allows the sts:AssumeRole action",
		"principal AccountMatch",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("simulate output lacks %q:\n%s", want, out)
		}
	}
}

func TestSimulateReportsUnmetExpectation(t *testing.T) {
	path := t.TempDir() + "/case.json"
	writeFile(t, path, `{"name": "wrong expectation",
		"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
		"policies": {},
		"expect": {"decision": "Allow"}}`)
	out, err := run(t, "", "simulate", path)
	if err == nil || !strings.Contains(err.Error(), "1 case(s) did not get the decision they expect") {
		t.Fatalf("simulate = %v, want an error naming the unmet case\n%s", err, out)
	}
	if !strings.Contains(out, "!! expected Allow") {
		t.Errorf("output does not flag the case:\n%s", out)
	}
}

// The mistake of seed 000: a group cannot be a principal.
func TestValidateRejectsGroupPrincipal(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/Developers"},"Action":"sts:AssumeRole"}]}`
	_, err := run(t, doc, "validate", "--kind", "trust", "-")
	want := `MalformedPolicyDocument: Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:group/Developers"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("validate = %v, want an error starting %q", err, want)
	}
}

func TestValidateAcceptsAndCounts(t *testing.T) {
	doc := `{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } }`
	out, err := run(t, doc, "validate", "--kind", "identity", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "valid identity policy, 94 characters as IAM counts them, 1 statement(s)") {
		t.Errorf("validate output = %q", out)
	}
}

func TestValidateUnknownKind(t *testing.T) {
	_, err := run(t, "{}", "validate", "--kind", "bucket", "-")
	if err == nil || !strings.Contains(err.Error(), `unknown --kind "bucket"`) {
		t.Fatalf("validate --kind bucket = %v, want an unknown-kind error", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
