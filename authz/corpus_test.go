package authz_test

import (
	"path/filepath"
	"testing"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/authz/scenario"
)

// TestCorpus decides every case under testdata/corpus and checks the
// decision, the deciding policy type and, where given, the deciding
// statement. Each file is a subtest; each case a subtest within it.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no corpus files under testdata/corpus")
	}
	total := 0
	for _, file := range files {
		cases, err := scenario.Load(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		total += len(cases)
		t.Run(filepath.Base(file), func(t *testing.T) {
			seen := map[string]bool{}
			for _, c := range cases {
				if seen[c.Name] {
					t.Errorf("case name %q is used twice", c.Name)
				}
				seen[c.Name] = true
				t.Run(c.Name, func(t *testing.T) { checkCase(t, c) })
			}
		})
	}
	t.Logf("%d corpus cases", total)
}

func checkCase(t *testing.T, c scenario.Case) {
	t.Helper()
	if c.Expect == nil {
		t.Fatal("case has no expect")
	}
	req, err := c.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	got := authz.Explain(req)
	fast := authz.Evaluate(req)
	if fast.Decision != got.Decision || fast.Type != got.Type || fast.Statement != got.Statement {
		t.Errorf("Evaluate = %v by %v, Explain = %v by %v; the two must agree", fast.Decision, fast.Type, got.Decision, got.Type)
	}
	if got.Decision.String() != c.Expect.Decision {
		t.Errorf("decision = %v (%s), want %s", got.Decision, got.Reason(req.Action), c.Expect.Decision)
	}
	if c.Expect.By != "" && scenario.ShortType(got.Type) != c.Expect.By {
		t.Errorf("decided by %q (%s), want %q", scenario.ShortType(got.Type), got.Reason(req.Action), c.Expect.By)
	}
	if c.Expect.Sid != "" && (got.Statement == nil || got.Statement.Sid != c.Expect.Sid) {
		t.Errorf("deciding statement = %v, want Sid %q", got.Statement, c.Expect.Sid)
	}
}
