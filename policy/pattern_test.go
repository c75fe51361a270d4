package policy

import (
	"strings"
	"testing"
)

// ctxOf builds a context from key → values; nil gives a nil *Context.
func ctxOf(values map[string][]string) *Context {
	if values == nil {
		return nil
	}
	c := NewContext()
	for k, v := range values {
		c.Set(k, v...)
	}
	return c
}

// TestPatternMatch runs compilePattern and match over a table. glob makes
// `*` and `?` wildcards, vars makes ${...} a policy variable (2012-10-17),
// fold compares case-insensitively.
func TestPatternMatch(t *testing.T) {
	alice := map[string][]string{"aws:username": {"alice"}}
	tests := []struct {
		name    string
		pattern string
		glob    bool
		vars    bool
		fold    bool
		ctx     map[string][]string
		subject string
		want    bool
	}{
		// literals
		{name: "literal equal", pattern: "abc", glob: true, subject: "abc", want: true},
		{name: "literal differs", pattern: "abc", glob: true, subject: "abd"},
		{name: "literal shorter subject", pattern: "abc", glob: true, subject: "ab"},
		{name: "literal longer subject", pattern: "abc", glob: true, subject: "abcd"},
		{name: "literal case differs", pattern: "ABC", glob: true, subject: "abc"},
		{name: "literal fold", pattern: "ABC", glob: true, fold: true, subject: "abc", want: true},
		{name: "literal fold non-ASCII", pattern: "ÄRGER", glob: true, fold: true, subject: "ärger", want: true},
		{name: "no glob star is literal", pattern: "a*c", subject: "abc"},
		{name: "no glob star matches itself", pattern: "a*c", subject: "a*c", want: true},
		{name: "no glob question mark is literal", pattern: "a?c", subject: "abc"},

		// empty strings
		{name: "empty pattern empty subject", pattern: "", glob: true, subject: "", want: true},
		{name: "empty pattern non-empty subject", pattern: "", glob: true, subject: "a"},
		{name: "star matches empty", pattern: "*", glob: true, subject: "", want: true},
		{name: "question mark needs a character", pattern: "?", glob: true, subject: ""},
		{name: "star question star needs a character", pattern: "*?*", glob: true, subject: ""},
		{name: "star question star one character", pattern: "*?*", glob: true, subject: "x", want: true},

		// star
		{name: "star matches anything", pattern: "*", glob: true, subject: "arn:aws:s3:::b/k", want: true},
		{name: "prefix star", pattern: "a*", glob: true, subject: "abc", want: true},
		{name: "prefix star exact", pattern: "a*", glob: true, subject: "a", want: true},
		{name: "prefix star mismatch", pattern: "a*", glob: true, subject: "ba"},
		{name: "prefix star fold", pattern: "A*", glob: true, fold: true, subject: "abc", want: true},
		{name: "prefix star no fold", pattern: "A*", glob: true, subject: "abc"},
		{name: "suffix star", pattern: "*c", glob: true, subject: "abc", want: true},
		{name: "suffix star mismatch", pattern: "*c", glob: true, subject: "abd"},
		{name: "inner star", pattern: "a*c", glob: true, subject: "abbbc", want: true},
		{name: "inner star empty run", pattern: "a*c", glob: true, subject: "ac", want: true},
		{name: "double star collapses", pattern: "a**c", glob: true, subject: "axc", want: true},

		// question mark
		{name: "question mark one character", pattern: "a?c", glob: true, subject: "abc", want: true},
		{name: "question mark not zero characters", pattern: "a?c", glob: true, subject: "ac"},
		{name: "question mark not two characters", pattern: "a?c", glob: true, subject: "abbc"},
		{name: "star then question mark", pattern: "a*?", glob: true, subject: "a"},
		{name: "star then question mark two", pattern: "a*?", glob: true, subject: "ab", want: true},
		{name: "question marks count", pattern: "???", glob: true, subject: "abc", want: true},
		{name: "question marks too many", pattern: "????", glob: true, subject: "abc"},

		// several stars and backtracking
		{name: "backtracking a*b*c", pattern: "a*b*c", glob: true, subject: "aXbYbZc", want: true},
		{name: "backtracking a*b*c no final c", pattern: "a*b*c", glob: true, subject: "aXbYbZ"},
		{name: "backtracking a*b*c minimal", pattern: "a*b*c", glob: true, subject: "abc", want: true},
		{name: "backtracking a*b*c wrong order", pattern: "a*b*c", glob: true, subject: "acb"},
		{name: "backtracking repeated letters", pattern: "*a*a*a", glob: true, subject: "aaa", want: true},
		{name: "backtracking repeated letters short", pattern: "*a*a*a", glob: true, subject: "aa"},
		{name: "backtracking last occurrence", pattern: "*ab", glob: true, subject: "abab", want: true},
		{name: "backtracking with question mark", pattern: "*b?d", glob: true, subject: "abcbxd", want: true},
		{name: "pathological no match", pattern: "a*a*a*a*a*a*b", glob: true, subject: strings.Repeat("a", 200)},
		{name: "pathological match", pattern: "a*a*a*a*a*a*b", glob: true, subject: strings.Repeat("a", 200) + "b", want: true},
		{name: "s3 key with stars", pattern: "home/*/docs/*.pdf", glob: true, subject: "home/alice/docs/cv.pdf", want: true},
		{name: "s3 key wrong extension", pattern: "home/*/docs/*.pdf", glob: true, subject: "home/alice/docs/cv.pdf.txt"},

		// multi-byte UTF-8
		{name: "question mark two-byte rune", pattern: "?", glob: true, subject: "é", want: true},
		{name: "question mark three-byte rune", pattern: "?", glob: true, subject: "日", want: true},
		{name: "question mark four-byte rune", pattern: "a?b", glob: true, subject: "a😀b", want: true},
		{name: "two question marks one rune", pattern: "??", glob: true, subject: "é"},
		{name: "question mark in word", pattern: "caf?", glob: true, subject: "café", want: true},
		{name: "star before multi-byte literal", pattern: "*é", glob: true, subject: "café", want: true},
		{name: "star between multi-byte runes", pattern: "日*語", glob: true, subject: "日本語", want: true},
		{name: "question mark between multi-byte runes", pattern: "日?語", glob: true, subject: "日本語", want: true},
		{name: "fold multi-byte with star", pattern: "É*", glob: true, fold: true, subject: "école", want: true},

		// policy variables
		{name: "variable present", pattern: "${aws:username}", glob: true, vars: true, ctx: alice, subject: "alice", want: true},
		{name: "variable other value", pattern: "${aws:username}", glob: true, vars: true, ctx: alice, subject: "bob"},
		{name: "variable missing key", pattern: "${aws:username}", glob: true, vars: true, ctx: map[string][]string{}, subject: ""},
		{name: "variable nil context", pattern: "${aws:username}", glob: true, vars: true, subject: ""},
		{name: "variable key case-insensitive", pattern: "${AWS:UserName}", glob: true, vars: true, ctx: alice, subject: "alice", want: true},
		{name: "variable value case-sensitive", pattern: "${aws:username}", glob: true, vars: true, ctx: alice, subject: "Alice"},
		{name: "variable value fold", pattern: "${aws:username}", glob: true, vars: true, fold: true, ctx: alice, subject: "ALICE", want: true},
		{name: "variable in glob", pattern: "home/${aws:username}/*", glob: true, vars: true, ctx: alice, subject: "home/alice/notes.txt", want: true},
		{name: "variable in glob other user", pattern: "home/${aws:username}/*", glob: true, vars: true, ctx: alice, subject: "home/bob/notes.txt"},
		{name: "variable without glob", pattern: "${aws:username}-data", vars: true, ctx: alice, subject: "alice-data", want: true},
		{name: "variable value star is literal", pattern: "${aws:username}", glob: true, vars: true, ctx: map[string][]string{"aws:username": {"a*"}}, subject: "abc"},
		{name: "variable value star matches itself", pattern: "${aws:username}", glob: true, vars: true, ctx: map[string][]string{"aws:username": {"a*"}}, subject: "a*", want: true},
		{name: "variable with several values", pattern: "${aws:TagKeys}", glob: true, vars: true, ctx: map[string][]string{"aws:TagKeys": {"a", "b"}}, subject: "a"},
		{name: "variable present with no value", pattern: "${aws:TagKeys}", glob: true, vars: true, ctx: map[string][]string{"aws:TagKeys": nil}, subject: ""},
		{name: "variable tag key", pattern: "team-${aws:PrincipalTag/team}", glob: true, vars: true, ctx: map[string][]string{"aws:principaltag/team": {"data"}}, subject: "team-data", want: true},
		{name: "two variables", pattern: "${aws:username}@${aws:PrincipalAccount}", glob: true, vars: true, ctx: map[string][]string{"aws:username": {"alice"}, "aws:PrincipalAccount": {"111122223333"}}, subject: "alice@111122223333", want: true},
		{name: "two variables one missing", pattern: "${aws:username}@${aws:PrincipalAccount}", glob: true, vars: true, ctx: alice, subject: "alice@"},

		// defaults
		{name: "default used when missing", pattern: "${aws:username, 'anonymous'}", glob: true, vars: true, ctx: map[string][]string{}, subject: "anonymous", want: true},
		{name: "default used with nil context", pattern: "${aws:username, 'anonymous'}", glob: true, vars: true, subject: "anonymous", want: true},
		{name: "default ignored when present", pattern: "${aws:username, 'anonymous'}", glob: true, vars: true, ctx: alice, subject: "alice", want: true},
		{name: "default not matched when present", pattern: "${aws:username, 'anonymous'}", glob: true, vars: true, ctx: alice, subject: "anonymous"},
		{name: "default without space", pattern: "${aws:username,'anonymous'}", glob: true, vars: true, subject: "anonymous", want: true},
		{name: "empty default", pattern: "home/${aws:username, ''}", glob: true, vars: true, subject: "home/", want: true},
		{name: "default with several values", pattern: "${aws:TagKeys, 'none'}", glob: true, vars: true, ctx: map[string][]string{"aws:TagKeys": {"a", "b"}}, subject: "none", want: true},
		{name: "default in glob", pattern: "${aws:PrincipalTag/team, 'shared'}/*", glob: true, vars: true, subject: "shared/x", want: true},

		// escapes
		{name: "escaped star is literal", pattern: "a${*}b", glob: true, vars: true, subject: "a*b", want: true},
		{name: "escaped star not a wildcard", pattern: "a${*}b", glob: true, vars: true, subject: "aXb"},
		{name: "escaped question mark is literal", pattern: "a${?}b", glob: true, vars: true, subject: "a?b", want: true},
		{name: "escaped question mark not a wildcard", pattern: "a${?}b", glob: true, vars: true, subject: "aXb"},
		{name: "escaped dollar", pattern: "${$}{aws:username}", glob: true, vars: true, ctx: alice, subject: "${aws:username}", want: true},
		{name: "escaped dollar not a variable", pattern: "${$}{aws:username}", glob: true, vars: true, ctx: alice, subject: "alice"},
		{name: "escaped star then wildcard", pattern: "${*}*", glob: true, vars: true, subject: "*anything", want: true},
		{name: "escaped star then wildcard needs star", pattern: "${*}*", glob: true, vars: true, subject: "anything"},

		// unterminated and literal ${...}
		{name: "unterminated variable is literal", pattern: "a${aws:username", glob: true, vars: true, ctx: alice, subject: "a${aws:username", want: true},
		{name: "unterminated variable not resolved", pattern: "a${aws:username", glob: true, vars: true, ctx: alice, subject: "aalice"},
		{name: "star before unterminated variable", pattern: "x*${", glob: true, vars: true, subject: "xyz${", want: true},
		{name: "lone dollar", pattern: "$5", glob: true, vars: true, subject: "$5", want: true},
		{name: "dollar at end", pattern: "a$", glob: true, vars: true, subject: "a$", want: true},
		{name: "2008 variable is literal", pattern: "${aws:username}", glob: true, ctx: alice, subject: "${aws:username}", want: true},
		{name: "2008 variable not resolved", pattern: "${aws:username}", glob: true, ctx: alice, subject: "alice"},
		{name: "2008 escape is literal", pattern: "${*}", glob: true, subject: "${x}", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compilePattern(tt.pattern, tt.glob, tt.vars)
			if p.raw != tt.pattern {
				t.Errorf("raw = %q, want %q", p.raw, tt.pattern)
			}
			if got := p.match(tt.subject, tt.fold, ctxOf(tt.ctx)); got != tt.want {
				t.Errorf("compilePattern(%q, glob=%v, vars=%v).match(%q, fold=%v) = %v, want %v",
					tt.pattern, tt.glob, tt.vars, tt.subject, tt.fold, got, tt.want)
			}
		})
	}
}

// TestPatternShape checks the fast path each pattern compiles to.
func TestPatternShape(t *testing.T) {
	tests := []struct {
		pattern string
		glob    bool
		vars    bool
		simple  simpleKind
	}{
		{"", true, true, literalPattern},
		{"abc", true, true, literalPattern},
		{"a*c", false, true, literalPattern},
		{"*", true, true, anyPattern},
		{"**", true, true, anyPattern},
		{"s3:Get*", true, false, prefixPattern},
		{"a*b", true, false, complexPattern},
		{"*b", true, false, complexPattern},
		{"?", true, false, complexPattern},
		{"${aws:username}", true, true, complexPattern},
		{"${aws:username}", true, false, literalPattern},
		{"a${*}", true, true, literalPattern},
		{"a${*}*", true, true, prefixPattern},
		{"home/${aws:username}/*", true, true, complexPattern},
		{"a${b", true, true, literalPattern},
	}
	for _, tt := range tests {
		p := compilePattern(tt.pattern, tt.glob, tt.vars)
		if p.simple != tt.simple {
			t.Errorf("compilePattern(%q, %v, %v).simple = %d, want %d", tt.pattern, tt.glob, tt.vars, p.simple, tt.simple)
		}
	}
}

// Action patterns, as bucket policy checks match them outside an
// evaluation; many stars cost no more than one.
func TestMatchAction(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"s3:get*", "s3:getobject", true},
		{"s3:*object", "s3:getobject", true},
		{"s3:*object", "s3:getobjectacl", false},
		{"s3:get?bject", "s3:getobject", true},
		{"s3:*", "s3:", true},
		{"s3:?", "s3:", false},
		{"*", "", true},
		{"s3:*tag*ing", "s3:putobjecttagging", true},
		{"s3:list", "s3:listbucket", false},
	} {
		if got := MatchAction(tc.pattern, tc.s); got != tc.want {
			t.Errorf("MatchAction(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
	// This took seconds with backtracking at every star.
	if MatchAction("s3:"+strings.Repeat("*", 40)+"z", "s3:getobjectversionforreplication") {
		t.Error("a pattern ending in z matched an action that does not")
	}
}
