package session_test

import (
	"testing"

	"github.com/trustgate/trustgate/session"
)

// BenchmarkOpen measures opening the token of a typical role session
// (MFA, source identity, three tags, no session policy): the work added
// to authenticating each request made with temporary credentials.
func BenchmarkOpen(b *testing.B) {
	c := roleSession()
	c.Policy, c.PolicyARNs = "", nil
	benchmarkOpen(b, c)
}

// BenchmarkOpenEveryField measures opening the token of a role session
// with every field, a short policy and two policy ARNs among them.
func BenchmarkOpenEveryField(b *testing.B) {
	benchmarkOpen(b, roleSession())
}

// BenchmarkOpenCompressed measures opening the token of a session with a
// 2,048-character policy, whose body is compressed.
func BenchmarkOpenCompressed(b *testing.B) {
	c := roleSession()
	c.Policy = bigPolicy()
	benchmarkOpen(b, c)
}

func benchmarkOpen(b *testing.B, c *session.Claims) {
	is := issuer(b, key)
	tok := issue(b, is, c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Open(tok, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tok)), "token-chars")
}

// BenchmarkIssue measures issuing a role session's token.
func BenchmarkIssue(b *testing.B) {
	is := issuer(b, key)
	c := roleSession()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Issue(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackedPolicySize measures the packed size of a 2,048-character
// policy and three tags, as STS computes it once per AssumeRole.
func BenchmarkPackedPolicySize(b *testing.B) {
	p, tags := typicalPolicy(), roleSession().Tags
	b.ReportAllocs()
	for b.Loop() {
		session.PackedPolicySize(p, nil, tags)
	}
}
