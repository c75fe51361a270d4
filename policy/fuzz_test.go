package policy_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustgate/trustgate/policy"
)

const numKinds = 6 // Identity .. Session

// corpusDocuments returns every policy document held in the evaluation
// corpus (../authz/testdata/corpus): any JSON object with a Statement,
// wherever it sits in a case.
func corpusDocuments(f *testing.F) []string {
	f.Helper()
	files, err := filepath.Glob("../authz/testdata/corpus/*.json")
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no corpus files under ../authz/testdata/corpus")
	}
	seen := map[string]bool{}
	var docs []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["Statement"]; ok {
				b, err := json.Marshal(x)
				if err != nil {
					f.Fatal(err)
				}
				if !seen[string(b)] {
					seen[string(b)] = true
					docs = append(docs, string(b))
				}
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		walk(v)
	}
	return docs
}

// fuzzContext is a request context with the keys policies commonly test,
// several values for a multivalued key, and a key present with none.
func fuzzContext() *policy.Context {
	c := policy.NewContext()
	c.Set("aws:username", "alice")
	c.Set("aws:userid", "AIDAEXAMPLEUSERID1234")
	c.Set("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")
	c.Set("aws:PrincipalAccount", "111122223333")
	c.Set("aws:PrincipalOrgID", "o-a1b2c3d4e5")
	c.Set("aws:PrincipalTag/team", "data")
	c.Set("aws:PrincipalType", "User")
	c.Set("aws:SourceIp", "203.0.113.5")
	c.Set("aws:SecureTransport", "true")
	c.Set("aws:MultiFactorAuthPresent", "false")
	c.Set("aws:CurrentTime", "2025-06-01T12:00:00Z")
	c.Set("aws:EpochTime", "1748779200")
	c.Set("aws:RequestedRegion", "eu-west-1")
	c.Set("aws:ResourceAccount", "111122223333")
	c.Set("aws:TagKeys", "env", "team")
	c.Set("aws:RequestTag/env")
	c.Set("s3:prefix", "home/alice/")
	c.Set("s3:max-keys", "10")
	c.Set("sts:ExternalId", "ext-1")
	return c
}

// fuzzRequests are the fixed requests every parsed policy is evaluated
// against: each kind of caller, with and without context.
func fuzzRequests() []*policy.Request {
	ctx := fuzzContext()
	user := &policy.Caller{Kind: policy.User, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}
	session := &policy.Caller{Kind: policy.AssumedRole, Account: "111122223333",
		ARN: "arn:aws:sts::111122223333:assumed-role/deploy/ci", IssuerARN: "arn:aws:iam::111122223333:role/deploy"}
	return []*policy.Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::example-bucket/home/alice/a.txt", Caller: user, Context: ctx},
		{Action: "s3:ListBucket", Resource: "arn:aws:s3:::example-bucket", Caller: session, Context: ctx, CallerHasBoundary: true},
		{Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/deploy", Context: policy.NewContext(),
			Caller: &policy.Caller{Kind: policy.Root, Account: "444455556666", ARN: "arn:aws:iam::444455556666:root"}},
		{Action: "sts:AssumeRoleWithWebIdentity", Resource: "arn:aws:iam::111122223333:role/web",
			Caller: &policy.Caller{Kind: policy.AssumedRole, Federated: "cognito-identity.amazonaws.com"}},
		{Action: "ec2:RunInstances", Resource: "*", Context: ctx,
			Caller: &policy.Caller{Kind: policy.Service, ServiceName: "ec2.amazonaws.com"}},
		{Action: "iam:CreateUser", Resource: "arn:aws:iam::111122223333:user/new", Context: ctx,
			Caller: &policy.Caller{Kind: policy.FederatedUser, Account: "111122223333",
				ARN: "arn:aws:sts::111122223333:federated-user/bob", IssuerARN: "arn:aws:iam::111122223333:user/bob"}},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::example-bucket/x",
			Caller: &policy.Caller{Kind: policy.Anonymous}},
		{Action: "", Resource: "", Caller: nil, Context: nil},
		{Action: "s3:Get:Object", Resource: "not-an-arn", Context: ctx,
			Caller: &policy.Caller{Kind: policy.User, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}},
	}
}

// checkEval evaluates p against every fixed request, once without and
// once with the list of matching statements, and checks the two agree.
func checkEval(t *testing.T, p *policy.Policy) {
	t.Helper()
	fast, slow := fuzzRequests(), fuzzRequests()
	for i := range fast {
		r1 := p.Eval(fast[i], nil)
		var matched []policy.Match
		r2 := p.Eval(slow[i], &matched)
		if r1.Deny != r2.Deny {
			t.Fatalf("request %d: Deny %v without matches, %v with", i, r1.Deny, r2.Deny)
		}
		if r1.Deny == nil && (r1.Allow != r2.Allow || r1.AllowMatch != r2.AllowMatch) {
			t.Fatalf("request %d: Allow %v (%v) without matches, %v (%v) with", i, r1.Allow, r1.AllowMatch, r2.Allow, r2.AllowMatch)
		}
		if (len(matched) > 0) != (r2.Deny != nil || r2.Allow != nil) {
			t.Fatalf("request %d: %d matches but result %+v", i, len(matched), r2)
		}
		for _, m := range matched {
			if m.Statement == nil || m.Statement.Policy() != p {
				t.Fatalf("request %d: match of a foreign statement", i)
			}
			_ = m.Statement.String()
		}
	}
}

// FuzzParse feeds arbitrary documents of every kind to Parse. It must not
// panic; it fails with an ErrMalformed *policy.Error or returns a policy
// that evaluates the fixed requests without panicking. Seeded with every
// document of testdata/validate.json and of the evaluation corpus.
func FuzzParse(f *testing.F) {
	for _, c := range loadValidateCases(f) {
		doc, err := c.document()
		if err != nil {
			f.Fatal(err)
		}
		for k := uint8(0); k < numKinds; k++ {
			f.Add(doc, k)
		}
	}
	for _, doc := range corpusDocuments(f) {
		for k := uint8(0); k < numKinds; k++ {
			f.Add(doc, k)
		}
	}
	f.Fuzz(func(t *testing.T, doc string, k uint8) {
		kind := policy.Kind(k % numKinds)
		p, err := policy.Parse(doc, kind)
		if err != nil {
			var perr *policy.Error
			if !errors.As(err, &perr) || perr.Kind != policy.ErrMalformed || perr.Message == "" {
				t.Fatalf("Parse error %#v is not an ErrMalformed *policy.Error with a message", err)
			}
			if p != nil {
				t.Fatalf("Parse returned a policy with its error")
			}
			return
		}
		if p.Kind != kind || len(p.Statements) == 0 {
			t.Fatalf("Parse returned kind %v with %d statements", p.Kind, len(p.Statements))
		}
		_ = policy.Size([]byte(doc))
		checkEval(t, p)
	})
}

// FuzzMatch puts a pattern in a policy's Resource and in a StringLike
// condition, and a subject in the request's resource and context. Matching
// must not panic. With Version 2008-10-17, where ${...} is plain text, the
// outcome must also agree with a plain glob match (`*` any run, `?` one
// character) on valid UTF-8.
func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"*", "anything"},
		{"", ""},
		{"a*b*c", "aXbYbZc"},
		{"a*b*c", "aXbYbZ"},
		{"home/*/docs/*.pdf", "home/alice/docs/cv.pdf"},
		{"caf?", "café"},
		{"日?語", "日本語"},
		{"?", "😀"},
		{"${aws:username}", "alice"},
		{"home/${aws:username, 'anonymous'}/*", "home/anonymous/x"},
		{"a${*}b", "a*b"},
		{"${$}{x}", "${x}"},
		{"a${aws:username", "a${aws:username"},
		{"arn:aws:s3:::example-bucket/*", "arn:aws:s3:::example-bucket/k"},
		{"arn:aws:s3:*:*:b/${aws:username}/*", "arn:aws:s3:::b/alice/k"},
		{"arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/a:b/c"},
		{"a*a*a*a*a*a*b", strings.Repeat("a", 64)},
		{"\xff*", "\xfe"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, subject string) {
		for _, version := range []string{policy.Version2012, policy.Version2008} {
			resource := pat
			if resource != "*" && !strings.HasPrefix(resource, "arn:") {
				resource = "arn:aws:s3:::" + pat
			}
			doc := matchPolicy(t, version, resource, pat)
			p, err := policy.Parse(doc, policy.Identity)
			if err != nil {
				// A pattern starting with arn: may not split into six
				// parts; that is the only way this document is invalid.
				if strings.HasPrefix(pat, "arn:") {
					continue
				}
				t.Fatalf("Parse(%s) = %v", doc, err)
			}
			for _, res := range []string{subject, "arn:aws:s3:::" + subject} {
				p.Eval(matchRequest(res, subject), nil)
			}
		}

		if !utf8.ValidString(pat) || !utf8.ValidString(subject) || len(pat) > 512 || len(subject) > 512 {
			return
		}
		want := globMatch([]rune(pat), []rune(subject))
		// The condition alone, on a resource that always matches.
		p, err := policy.Parse(matchPolicy(t, policy.Version2008, "*", pat), policy.Identity)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if got := p.Eval(matchRequest("arn:aws:s3:::x", subject), nil).Allow != nil; got != want {
			t.Fatalf("StringLike %q on %q = %v, glob says %v", pat, subject, got, want)
		}
		// The resource alone: with no colon the pattern is all in the
		// resource part of the ARN.
		if strings.Contains(pat, ":") {
			return
		}
		doc, err := json.Marshal(map[string]any{
			"Version":   policy.Version2008,
			"Statement": map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + pat},
		})
		if err != nil {
			t.Fatal(err)
		}
		p, err = policy.Parse(string(doc), policy.Identity)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if got := p.Eval(matchRequest("arn:aws:s3:::"+subject, subject), nil).Allow != nil; got != want {
			t.Fatalf("Resource arn:aws:s3:::%s on arn:aws:s3:::%s = %v, glob says %v", pat, subject, got, want)
		}
	})
}

// matchPolicy is an identity policy allowing s3:GetObject on resource when
// s3:prefix is StringLike pat.
func matchPolicy(t *testing.T, version, resource, pat string) string {
	t.Helper()
	doc, err := json.Marshal(map[string]any{
		"Version": version,
		"Statement": map[string]any{
			"Effect":    "Allow",
			"Action":    "s3:GetObject",
			"Resource":  resource,
			"Condition": map[string]any{"StringLike": map[string]any{"s3:prefix": pat}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// matchRequest asks for s3:GetObject on resource, with subject as the
// value of s3:prefix and of the variables a pattern is likely to name.
func matchRequest(resource, subject string) *policy.Request {
	ctx := policy.NewContext()
	ctx.Set("s3:prefix", subject)
	ctx.Set("aws:username", subject)
	ctx.Set("aws:PrincipalTag/team", subject)
	return &policy.Request{
		Action:   "s3:GetObject",
		Resource: resource,
		Caller:   &policy.Caller{Kind: policy.User, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
		Context:  ctx,
	}
}

// globMatch is the reference glob: `*` matches any run of characters, `?`
// exactly one, anything else itself. It is the textbook dynamic program,
// independent of the package's matcher.
func globMatch(pat, s []rune) bool {
	// prev[j] reports whether pat[:i] matches s[:j].
	prev := make([]bool, len(s)+1)
	cur := make([]bool, len(s)+1)
	prev[0] = true
	for i := 1; i <= len(pat); i++ {
		c := pat[i-1]
		cur[0] = prev[0] && c == '*'
		for j := 1; j <= len(s); j++ {
			switch c {
			case '*':
				cur[j] = prev[j] || cur[j-1]
			case '?':
				cur[j] = prev[j-1]
			default:
				cur[j] = prev[j-1] && s[j-1] == c
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(s)]
}
