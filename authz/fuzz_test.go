package authz_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/authz/scenario"
)

// FuzzEvaluate decides arbitrary scenarios: whatever the policies and
// request, evaluation must not panic, and Evaluate and Explain must agree.
// Seeded with every corpus file.
func FuzzEvaluate(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.json")
	for _, file := range files {
		cases, err := scenario.Load(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range cases {
			b, err := json.Marshal(c)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, err := scenario.Decode(data)
		if err != nil {
			return
		}
		for _, c := range cases {
			req, err := c.Build()
			if err != nil {
				continue
			}
			fast, slow := authz.Evaluate(req), authz.Explain(req)
			if fast.Decision != slow.Decision || fast.Type != slow.Type {
				t.Fatalf("Evaluate = %v by %v, Explain = %v by %v", fast.Decision, fast.Type, slow.Decision, slow.Type)
			}
			_ = slow.Summary(req.Action)
		}
	})
}
