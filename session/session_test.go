package session_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/session"
)

var (
	key      = bytes.Repeat([]byte{7}, secret.KeySize)
	otherKey = bytes.Repeat([]byte{8}, secret.KeySize)
	t0       = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)
	raw      = base64.RawURLEncoding.Strict()
)

const s3Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

func issuer(t testing.TB, key []byte) *session.Issuer {
	t.Helper()
	is, err := session.NewIssuer(key)
	if err != nil {
		t.Fatalf("NewIssuer = %v", err)
	}
	return is
}

func issue(t testing.TB, is *session.Issuer, c *session.Claims) string {
	t.Helper()
	tok, err := is.Issue(c)
	if err != nil {
		t.Fatalf("Issue(%+v) = %v", c, err)
	}
	return tok
}

// roleSession sets every field a role session can have.
func roleSession() *session.Claims {
	return &session.Claims{
		AccessKeyID:       "ASIAQ2EXAMPLE7KEY4ID",
		SecretAccessKey:   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
		Account:           "111122223333",
		Kind:              session.AssumedRole,
		RoleARN:           "arn:aws:iam::111122223333:role/deploy/ci/Deployer",
		RoleID:            "AROAQ2EXAMPLEROLEID5",
		SessionName:       "ci-run-42",
		RoleChained:       true,
		ExternalID:        "ext-123ABC",
		Issued:            t0,
		Expires:           t0.Add(time.Hour),
		MFAAuthenticated:  t0.Add(-10 * time.Minute),
		SourceIdentity:    "alice@example.com",
		Tags:              []trustgate.Tag{{Key: "Project", Value: "Pegasus"}, {Key: "Cost-Center", Value: "98765"}, {Key: "Empty", Value: ""}},
		TransitiveTagKeys: []string{"Project", "Cost-Center"},
		Policy:            s3Policy,
		PolicyARNs:        []string{"arn:aws:iam::111122223333:policy/ReadOnly", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	}
}

func minimalRole() *session.Claims {
	return &session.Claims{
		AccessKeyID: "ASIAQ2EXAMPLE7KEY4ID", SecretAccessKey: "secret", Account: "111122223333",
		Kind: session.AssumedRole, RoleARN: "arn:aws:iam::111122223333:role/Admin", RoleID: "AROAQ2EXAMPLEROLEID5",
		SessionName: "s", Issued: t0, Expires: t0.Add(15 * time.Minute),
	}
}

func userSession() *session.Claims {
	return &session.Claims{
		AccessKeyID: "ASIAQ2EXAMPLE7KEY4ID", SecretAccessKey: "secret", Account: "444455556666",
		Kind: session.UserSession, UserName: "bob", UserARN: "arn:aws:iam::444455556666:user/eng/bob", UserID: "AIDAQ2EXAMPLEUSERID7",
		Issued: t0, Expires: t0.Add(12 * time.Hour), MFAAuthenticated: t0.Add(-time.Second),
	}
}

func rootSession() *session.Claims {
	return &session.Claims{
		AccessKeyID: "ASIAQ2EXAMPLE7KEY4ID", SecretAccessKey: "secret", Account: "444455556666",
		Kind: session.UserSession, Root: true, Issued: t0, Expires: t0.Add(time.Hour),
	}
}

func federatedUser() *session.Claims {
	return &session.Claims{
		AccessKeyID: "ASIAQ2EXAMPLE7KEY4ID", SecretAccessKey: "secret", Account: "444455556666",
		Kind: session.FederatedUser, SessionName: "Bob", UserName: "broker", UserARN: "arn:aws:iam::444455556666:user/broker",
		UserID: "AIDAQ2EXAMPLEUSERID7", Issued: t0, Expires: t0.Add(36 * time.Hour),
		Tags: []trustgate.Tag{{Key: "Project", Value: "Pegasus"}}, Policy: s3Policy,
	}
}

func federatedRoot() *session.Claims {
	return &session.Claims{
		AccessKeyID: "ASIAQ2EXAMPLE7KEY4ID", SecretAccessKey: "secret", Account: "444455556666",
		Kind: session.FederatedUser, Root: true, SessionName: "Carol", Issued: t0, Expires: t0.Add(time.Hour),
		PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
	}
}

// bigPolicy is a 2,048-character policy, large enough to be compressed.
func bigPolicy() string {
	var stmts []string
	for i := 0; ; i++ {
		st := `{"Sid":"S` + strings.Repeat("x", i%7) + `","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-` + string(rune('a'+i%26)) + `/*"}`
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(append(stmts, st), ",") + `]}`
		if len(doc) > session.MaxSessionPolicyChars {
			return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		}
		stmts = append(stmts, st)
	}
}

func TestRoundTrip(t *testing.T) {
	withBigPolicy := roleSession()
	withBigPolicy.Policy = bigPolicy()
	unicode := minimalRole()
	unicode.Tags = []trustgate.Tag{{Key: "Équipe", Value: "Données ✓ 日本"}, {Key: "k", Value: strings.Repeat("é", 256)}}
	tests := []struct {
		name string
		c    *session.Claims
	}{
		{"role session, every field", roleSession()},
		{"role session, nothing optional", minimalRole()},
		{"role session, 2,048-character policy", withBigPolicy},
		{"role session, Unicode tags", unicode},
		{"GetSessionToken of a user", userSession()},
		{"GetSessionToken of root", rootSession()},
		{"federated user of a user", federatedUser()},
		{"federated user of root", federatedRoot()},
	}
	is := issuer(t, key)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := issue(t, is, tt.c)
			got, err := is.Open(tok, t0)
			if err != nil {
				t.Fatalf("Open(Issue(%+v)) = %v", tt.c, err)
			}
			if !reflect.DeepEqual(got, tt.c) {
				t.Errorf("Open(Issue(c)) =\n%+v\nwant\n%+v", got, tt.c)
			}
		})
	}
}

// The round trip above is only a test of every field while the fixture
// sets every field: a field added to Claims must be added to it.
func TestRoundTripFixtureIsWhole(t *testing.T) {
	v := reflect.ValueOf(roleSession()).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if v.Field(i).IsZero() && name != "Root" && name != "UserName" && name != "UserARN" && name != "UserID" {
			t.Errorf("roleSession() leaves %s zero", name)
		}
	}
	u := reflect.ValueOf(userSession()).Elem()
	for _, name := range []string{"UserName", "UserARN", "UserID"} {
		if u.FieldByName(name).IsZero() {
			t.Errorf("userSession() leaves %s zero", name)
		}
	}
	if !rootSession().Root {
		t.Error("rootSession() is not Root")
	}
}

func TestIdentity(t *testing.T) {
	tests := []struct {
		name                     string
		c                        *session.Claims
		arn, principalID, issuer string
		kind                     policy.CallerKind
		userName, roleName       string
	}{
		{"role with a path", roleSession(),
			"arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-42", "AROAQ2EXAMPLEROLEID5:ci-run-42",
			"arn:aws:iam::111122223333:role/deploy/ci/Deployer", policy.AssumedRole, "", "Deployer"},
		{"role without a path", minimalRole(),
			"arn:aws:sts::111122223333:assumed-role/Admin/s", "AROAQ2EXAMPLEROLEID5:s",
			"arn:aws:iam::111122223333:role/Admin", policy.AssumedRole, "", "Admin"},
		{"user session", userSession(),
			"arn:aws:iam::444455556666:user/eng/bob", "AIDAQ2EXAMPLEUSERID7", "", policy.User, "bob", ""},
		{"root session", rootSession(),
			"arn:aws:iam::444455556666:root", "444455556666", "", policy.Root, "", ""},
		{"federated user", federatedUser(),
			"arn:aws:sts::444455556666:federated-user/Bob", "444455556666:Bob",
			"arn:aws:iam::444455556666:user/broker", policy.FederatedUser, "broker", ""},
		{"federated root", federatedRoot(),
			"arn:aws:sts::444455556666:federated-user/Carol", "444455556666:Carol",
			"arn:aws:iam::444455556666:root", policy.FederatedUser, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			if got := c.ARN(); got != tt.arn {
				t.Errorf("ARN() = %q, want %q", got, tt.arn)
			}
			if got := c.PrincipalID(); got != tt.principalID {
				t.Errorf("PrincipalID() = %q, want %q", got, tt.principalID)
			}
			if got := c.RoleName(); got != tt.roleName {
				t.Errorf("RoleName() = %q, want %q", got, tt.roleName)
			}
			want := policy.Caller{Kind: tt.kind, Account: c.Account, ARN: tt.arn, IssuerARN: tt.issuer}
			if got := c.Caller(); got != want {
				t.Errorf("Caller() = %+v, want %+v", got, want)
			}
			p := c.Principal()
			if p.Caller != want || p.UserID != tt.principalID || p.AccessKeyID != c.AccessKeyID ||
				p.UserName != tt.userName || p.RoleName != tt.roleName || !p.Temporary ||
				!p.TokenIssued.Equal(c.Issued) || !p.MFAAuthenticated.Equal(c.MFAAuthenticated) ||
				p.SourceIdentity != c.SourceIdentity || !reflect.DeepEqual(p.Tags, c.Tags) ||
				!reflect.DeepEqual(p.SessionPolicyARNs, c.PolicyARNs) {
				t.Errorf("Principal() = %+v, does not match the claims %+v", p, c)
			}
			if wantPolicies := c.Policy != ""; (len(p.SessionPolicies) == 1 && p.SessionPolicies[0] == c.Policy) != wantPolicies ||
				(!wantPolicies && p.SessionPolicies != nil) {
				t.Errorf("Principal().SessionPolicies = %q, want the claims' Policy %q", p.SessionPolicies, c.Policy)
			}
		})
	}
}

// tokens returns a token with a plain body and one with a compressed body.
func tokens(t testing.TB, is *session.Issuer) map[string]string {
	big := roleSession()
	big.Policy = bigPolicy()
	return map[string]string{"plain": issue(t, is, roleSession()), "compressed": issue(t, is, big)}
}

func wantInvalid(t *testing.T, is *session.Issuer, what, tok string) {
	t.Helper()
	if c, err := is.Open(tok, t0); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("Open(%s) = %+v, %v; want ErrInvalid", what, c, err)
	}
}

// Every single-byte alteration of a token, of its bytes or of its text,
// must be rejected.
func TestOpenRejectsAlteration(t *testing.T) {
	is := issuer(t, key)
	for name, tok := range tokens(t, is) {
		t.Run(name, func(t *testing.T) {
			b, err := raw.DecodeString(tok)
			if err != nil {
				t.Fatalf("the token %q is not unpadded URL-safe base64: %v", tok, err)
			}
			for i := range b {
				for _, mask := range []byte{0x01, 0x80, 0xff} {
					altered := bytes.Clone(b)
					altered[i] ^= mask
					wantInvalid(t, is, "token with byte "+strconv.Itoa(i)+" altered", raw.EncodeToString(altered))
				}
			}
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=%. "
			for i := range len(tok) {
				for _, r := range alphabet {
					if byte(r) != tok[i] {
						wantInvalid(t, is, "token with character "+strconv.Itoa(i)+" made "+string(r), tok[:i]+string(r)+tok[i+1:])
					}
				}
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	is := issuer(t, key)
	tok := issue(t, is, roleSession())
	body := session.AppendBody(roleSession(), nil)
	// sealed makes a token of an arbitrary plaintext with an outer version.
	sealed := func(key []byte, purpose string, version byte, plain ...[]byte) string {
		s, err := secret.NewSealer(key, purpose)
		if err != nil {
			t.Fatal(err)
		}
		return raw.EncodeToString(append([]byte{version}, s.Seal(bytes.Join(plain, nil))...))
	}
	b, _ := raw.DecodeString(tok)
	tests := []struct{ name, tok string }{
		{"empty", ""},
		{"one character", "A"},
		{"not base64", "this is not a token!"},
		{"a token with padding", tok + "="},
		{"a token with a character appended", tok + "A"},
		{"a token with bytes appended", raw.EncodeToString(append(bytes.Clone(b), 0))},
		{"a token twice", tok + tok},
		{"standard base64 of the token", base64.StdEncoding.EncodeToString(b)},
		{"very long", strings.Repeat("A", 1<<20)},
		{"sealed with another key", sealed(otherKey, "session tokens", 1, []byte{1, 0}, body)},
		{"sealed for another purpose", sealed(key, "access keys", 1, []byte{1, 0}, body)},
		{"unknown version", sealed(key, "session tokens", 2, []byte{2, 0}, body)},
		{"inner version differs", sealed(key, "session tokens", 1, []byte{2, 0}, body)},
		{"outer version differs", sealed(key, "session tokens", 2, []byte{1, 0}, body)},
		{"unknown codec", sealed(key, "session tokens", 1, []byte{1, 9}, body)},
		{"not DEFLATE", sealed(key, "session tokens", 1, []byte{1, 1}, body)},
		{"trailing byte", sealed(key, "session tokens", 1, []byte{1, 0}, body, []byte{0})},
		{"short body", sealed(key, "session tokens", 1, []byte{1, 0}, body[:len(body)-1])},
		{"no body", sealed(key, "session tokens", 1, []byte{1, 0})},
		{"invalid claims", sealed(key, "session tokens", 1, []byte{1, 0}, session.AppendBody(&session.Claims{Kind: session.AssumedRole, Issued: t0, Expires: t0.Add(time.Hour)}, nil))},
	}
	for _, tt := range tests {
		wantInvalid(t, is, tt.name, tt.tok)
	}
	for n := range len(tok) {
		wantInvalid(t, is, "token cut to "+strconv.Itoa(n)+" characters", tok[:n])
	}
	// The helper seals what Issue seals: the same plaintext opens.
	if _, err := is.Open(sealed(key, "session tokens", 1, []byte{1, 0}, body), t0); err != nil {
		t.Errorf("Open(a token sealed by the test) = %v; the cases above test nothing", err)
	}
}

func TestOpenExpiry(t *testing.T) {
	is := issuer(t, key)
	c := roleSession()
	tok := issue(t, is, c)
	tests := []struct {
		name    string
		now     time.Time
		expired bool
	}{
		{"at issue", c.Issued, false},
		{"one nanosecond before expiry", c.Expires.Add(-time.Nanosecond), false},
		{"at expiry", c.Expires, true},
		{"one nanosecond after expiry", c.Expires.Add(time.Nanosecond), true},
		{"a day after expiry", c.Expires.Add(24 * time.Hour), true},
		{"at expiry, in another zone", c.Expires.In(time.FixedZone("UTC+5", 5*3600)), true},
	}
	for _, tt := range tests {
		got, err := is.Open(tok, tt.now)
		if !tt.expired {
			if err != nil || got == nil {
				t.Errorf("Open(token, %s) = %v, %v; want the claims", tt.name, got, err)
			}
			continue
		}
		var expired *session.ExpiredError
		if !errors.Is(err, session.ErrExpired) || !errors.As(err, &expired) || got != nil {
			t.Errorf("Open(token, %s) = %v, %v; want an *ExpiredError", tt.name, got, err)
			continue
		}
		if !expired.Expires.Equal(c.Expires) || expired.AccessKeyID != c.AccessKeyID {
			t.Errorf("Open(token, %s) = %+v, want Expires %v of %s", tt.name, expired, c.Expires, c.AccessKeyID)
		}
		if msg := err.Error(); !strings.Contains(msg, "2026-03-14T16:09:26Z") || !strings.Contains(msg, c.AccessKeyID) {
			t.Errorf("Open(token, %s) error %q does not say when, or which key", tt.name, msg)
		}
		if errors.Is(err, session.ErrInvalid) {
			t.Errorf("Open(token, %s) = %v, which is also ErrInvalid", tt.name, err)
		}
	}
}

// Two nodes with the same deployment key open each other's tokens.
func TestTwoNodes(t *testing.T) {
	a, b := issuer(t, key), issuer(t, key)
	c := roleSession()
	fromA, fromB := issue(t, a, c), issue(t, b, c)
	if fromA == fromB {
		t.Error("two tokens of the same claims are equal; the nonce must be random")
	}
	for _, tt := range []struct {
		name string
		is   *session.Issuer
		tok  string
	}{{"b opens a's", b, fromA}, {"a opens b's", a, fromB}} {
		got, err := tt.is.Open(tt.tok, t0)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("%s: Open = %+v, %v; want %+v", tt.name, got, err, c)
		}
	}
	other := issuer(t, otherKey)
	wantInvalid(t, other, "a's token, with another key", fromA)
	wantInvalid(t, other, "b's token, with another key", fromB)
}

func TestIssueRejects(t *testing.T) {
	tests := []struct {
		name   string
		base   func() *session.Claims
		change func(c *session.Claims)
	}{
		{"long-term key id", roleSession, func(c *session.Claims) { c.AccessKeyID = "AKIAQ2EXAMPLE7KEY4ID" }},
		{"no secret", roleSession, func(c *session.Claims) { c.SecretAccessKey = "" }},
		{"bad account", roleSession, func(c *session.Claims) { c.Account = "1111" }},
		{"no kind", roleSession, func(c *session.Claims) { c.Kind = 0 }},
		{"unknown kind", roleSession, func(c *session.Claims) { c.Kind = 9 }},
		{"no issue time", roleSession, func(c *session.Claims) { c.Issued = time.Time{} }},
		{"expiry at issue", roleSession, func(c *session.Claims) { c.Expires = c.Issued }},
		{"expiry before issue", roleSession, func(c *session.Claims) { c.Expires = c.Issued.Add(-time.Second) }},
		{"tag without a key", roleSession, func(c *session.Claims) { c.Tags = append(c.Tags, trustgate.Tag{Value: "v"}) }},
		{"role of another account", roleSession, func(c *session.Claims) { c.RoleARN = "arn:aws:iam::999988887777:role/Deployer" }},
		{"role ARN of a user", roleSession, func(c *session.Claims) { c.RoleARN = "arn:aws:iam::111122223333:user/Deployer" }},
		{"role ARN without a name", roleSession, func(c *session.Claims) { c.RoleARN = "arn:aws:iam::111122223333:role/deploy/" }},
		{"role ARN not an ARN", roleSession, func(c *session.Claims) { c.RoleARN = "Deployer" }},
		{"role id of a user", roleSession, func(c *session.Claims) { c.RoleID = "AIDAQ2EXAMPLEUSERID7" }},
		{"role session without a name", roleSession, func(c *session.Claims) { c.SessionName = "" }},
		{"role session of root", roleSession, func(c *session.Claims) { c.Root = true }},
		{"role session naming a user", roleSession, func(c *session.Claims) { c.UserName = "bob" }},
		{"user session naming a role", userSession, func(c *session.Claims) { c.RoleARN = "arn:aws:iam::444455556666:role/R" }},
		{"user session role chained", userSession, func(c *session.Claims) { c.RoleChained = true }},
		{"user session with an external id", userSession, func(c *session.Claims) { c.ExternalID = "x" }},
		{"user session with a session name", userSession, func(c *session.Claims) { c.SessionName = "x" }},
		{"user session without a user", userSession, func(c *session.Claims) { c.UserName, c.UserARN, c.UserID = "", "", "" }},
		{"user session without a user id", userSession, func(c *session.Claims) { c.UserID = "" }},
		{"user session with a role id for the user", userSession, func(c *session.Claims) { c.UserID = "AROAQ2EXAMPLEROLEID5" }},
		{"user ARN of another user", userSession, func(c *session.Claims) { c.UserARN = "arn:aws:iam::444455556666:user/alice" }},
		{"user ARN of another account", userSession, func(c *session.Claims) { c.UserARN = "arn:aws:iam::111122223333:user/eng/bob" }},
		{"root session naming a user", rootSession, func(c *session.Claims) { c.UserName = "bob" }},
		{"federated user without a name", federatedUser, func(c *session.Claims) { c.SessionName = "" }},
		{"federated root naming a user", federatedRoot, func(c *session.Claims) { c.UserID = "AIDAQ2EXAMPLEUSERID7" }},
	}
	is := issuer(t, key)
	for _, tt := range tests {
		c := tt.base()
		tt.change(c)
		if tok, err := is.Issue(c); err == nil {
			t.Errorf("Issue(%s) = %q, want an error", tt.name, tok)
		}
	}
}

func TestIssueRejectsHugeSession(t *testing.T) {
	c := roleSession()
	for i := range 50 {
		c.Tags = append(c.Tags, trustgate.Tag{Key: "k" + strconv.Itoa(i) + strings.Repeat(string(rune('a'+i%26)), 100), Value: randomText(i, 256)})
	}
	if tok, err := issuer(t, key).Issue(c); err == nil {
		t.Errorf("Issue(50 tags of random text) = a token of %d characters, want an error", len(tok))
	}
}

func TestNewIssuerRejectsShortKey(t *testing.T) {
	if _, err := session.NewIssuer(key[:16]); err == nil {
		t.Error("NewIssuer(16-byte key) succeeded, want an error")
	}
}

// Tokens survive headers, query strings and URL encoding unchanged, and
// stay short.
func TestTokenShape(t *testing.T) {
	is := issuer(t, key)
	shape := regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	for name, tok := range tokens(t, is) {
		if !shape.MatchString(tok) || url.QueryEscape(tok) != tok || url.PathEscape(tok) != tok {
			t.Errorf("the %s token %q needs escaping", name, tok)
		}
	}
	sizes := []struct {
		name string
		c    *session.Claims
		max  int
	}{
		{"minimal role session", minimalRole(), 300},
		{"role session, every field", roleSession(), 800},
		{"user session", userSession(), 300},
	}
	for _, s := range sizes {
		tok := issue(t, is, s.c)
		t.Logf("%s: %d characters", s.name, len(tok))
		if len(tok) > s.max {
			t.Errorf("Issue(%s) made %d characters, want at most %d", s.name, len(tok), s.max)
		}
	}
	// A session that just fits the packed space makes a token under 3 KB.
	c := roleSession()
	c.Policy = randomText(1, 2000)
	for i := 0; session.PackedPolicySize(c.Policy, c.PolicyARNs, c.Tags) <= 100; i++ {
		c.Tags = append(c.Tags, trustgate.Tag{Key: "k" + strconv.Itoa(i), Value: randomText(i, 40)})
	}
	c.Tags = c.Tags[:len(c.Tags)-1]
	tok := issue(t, is, c)
	t.Logf("session at %d%% packed size: %d characters", session.PackedPolicySize(c.Policy, c.PolicyARNs, c.Tags), len(tok))
	if len(tok) >= 3<<10 {
		t.Errorf("Issue(session at 100%% packed size) made %d characters, want under 3 KB", len(tok))
	}
}

func TestConcurrentUse(t *testing.T) {
	is := issuer(t, key)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 50 {
				c := roleSession()
				if g%2 == 0 {
					c.Policy = bigPolicy()
				}
				tok, err := is.Issue(c)
				if err != nil {
					t.Errorf("Issue = %v", err)
					return
				}
				if got, err := is.Open(tok, t0); err != nil || !reflect.DeepEqual(got, c) {
					t.Errorf("Open(Issue(c)) = %v, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNewKey(t *testing.T) {
	id, secret := session.NewKey("123456789012")
	if !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(id) {
		t.Errorf("NewKey() id = %q, want ASIA and 16 base32 characters", id)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`).MatchString(secret) {
		t.Errorf("NewKey() secret = %q, want 40 base64 characters", secret)
	}
	if id2, secret2 := session.NewKey("123456789012"); id2 == id || secret2 == secret {
		t.Error("two NewKey() calls made the same key")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[session.Kind]string{session.AssumedRole: "AssumedRole", session.FederatedUser: "FederatedUser", session.UserSession: "UserSession", 0: "Kind(0)", 7: "Kind(7)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, want)
		}
	}
}

// randomText is n characters of deterministic, incompressible text.
func randomText(seed, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	x := uint64(seed)*0x9E3779B97F4A7C15 + 1
	b := make([]byte, n)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = alphabet[x%uint64(len(alphabet))]
	}
	return string(b)
}
