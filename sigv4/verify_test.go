package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trustgate/trustgate/sigv4"
)

// s3Keys are object keys as the S3 client encodes them into the path:
// every byte but A-Z a-z 0-9 - . _ ~ and '/' percent-encoded.
var s3Keys = []struct{ name, path, raw string }{
	{"plain", "/bucket/key.txt", "/bucket/key.txt"},
	{"space", "/bucket/my file.txt", "/bucket/my%20file.txt"},
	{"unicode", "/bucket/dossier/café ünï 日本.txt", "/bucket/dossier/caf%C3%A9%20%C3%BCn%C3%AF%20%E6%97%A5%E6%9C%AC.txt"},
	{"plus equals tilde", "/bucket/a+b=c~d", "/bucket/a%2Bb%3Dc~d"},
	{"percent", "/bucket/100%/x%2Fy", "/bucket/100%25/x%252Fy"},
	{"specials", "/bucket/!$&'()*,;:@", "/bucket/%21%24%26%27%28%29%2A%2C%3B%3A%40"},
	{"bucket only", "/bucket", "/bucket"},
	{"root", "/", "/"},
}

// queries are raw query strings with repeated, empty and encoded params.
var queries = []struct{ name, raw string }{
	{"none", ""},
	{"list", "list-type=2&prefix=photos%2F2026&delimiter=%2F"},
	{"repeated", "x=2&x=1&x=10&a=z"},
	{"empty values", "acl&versions=&uploads"},
	{"encoded space and plus", "prefix=a%20b%2Bc&marker=%7E"},
	{"form plus", "prefix=a+b"},
	{"unicode", "prefix=%C3%BC%E6%97%A5&start-after=%F0%9F%98%80"},
	{"reserved", "k%3D1=v%261&%2F=%3F"},
}

func TestVerifyS3Header(t *testing.T) {
	for _, k := range s3Keys {
		for _, q := range queries {
			for _, method := range []string{"GET", "PUT"} {
				t.Run(method+"/"+k.name+"/"+q.name, func(t *testing.T) {
					var body []byte
					hash := sha256Hex(nil)
					if method == "PUT" {
						body = []byte("hello, " + k.name)
						hash = sha256Hex(body)
					}
					r := newRequest(t, method, "s3.us-east-1.amazonaws.com", k.path, k.raw, q.raw, body)
					r.Header.Set("Content-Type", "text/plain; charset=utf-8")
					r.Header.Set("X-Amz-Meta-Note", "  two  spaces   inside ")
					signHeader(t, r, signOpts{service: "s3", payloadHash: hash})
					sr := serve(t, wire(t, r))
					s, err := verifierAt(signTime).Verify(sr)
					if err != nil {
						t.Fatalf("Verify(%s %s) = %v", method, sr.RequestURI, err)
					}
					got, err := io.ReadAll(s.Body)
					if err != nil || !bytes.Equal(got, body) {
						t.Fatalf("ReadAll(Signed.Body) = %q, %v; want %q", got, err, body)
					}
					if s.AccessKeyID != akid || s.Service != "s3" || s.Region != "us-east-1" || s.Presigned ||
						!s.Time.Equal(signTime) || s.Payload != sigv4.PayloadSHA256 {
						t.Errorf("Verify(%s %s) = %+v", method, sr.RequestURI, s)
					}
				})
			}
		}
	}
}

func TestVerifyS3Presigned(t *testing.T) {
	for _, k := range s3Keys {
		for _, q := range queries {
			t.Run(k.name+"/"+q.name, func(t *testing.T) {
				r := newRequest(t, "GET", "bucket.s3.amazonaws.com", k.path, k.raw, q.raw, nil)
				p := presign(t, r, signOpts{service: "s3", payloadHash: sigv4.UnsignedPayload}, time.Hour)
				sr := serve(t, wire(t, p))
				s, err := verifierAt(signTime.Add(59 * time.Minute)).Verify(sr)
				if err != nil {
					t.Fatalf("Verify(GET %s) = %v", sr.RequestURI, err)
				}
				if !s.Presigned || s.Payload != sigv4.PayloadUnsigned || !s.Expires.Equal(signTime.Add(time.Hour)) {
					t.Errorf("Verify(GET %s) = %+v", sr.RequestURI, s)
				}
			})
		}
	}
}

func TestVerifyQueryServices(t *testing.T) {
	tests := []struct {
		name, service, method, path, raw, query string
		body                                    string
		presigned                               bool
	}{
		{name: "sts form", service: "sts", method: "POST", path: "/", body: "Action=GetCallerIdentity&Version=2011-06-15"},
		{name: "iam form", service: "iam", method: "POST", path: "/",
			body: "Action=CreateRole&RoleName=r%2Bx&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D&Version=2010-05-08"},
		{name: "iam unicode form", service: "iam", method: "POST", path: "/", body: "Action=TagUser&Tags.member.1.Value=%C3%A9t%C3%A9+%7E"},
		{name: "sts query GET", service: "sts", method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15"},
		{name: "sts presigned", service: "sts", method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15", presigned: true},
		{name: "organizations json", service: "organizations", method: "POST", path: "/", body: `{"MaxResults":20}`},
		{name: "path re-encoded", service: "execute-api", method: "GET", path: "/stage/a b/ü%", raw: "/stage/a%20b/%C3%BC%25", query: "q=a%20b&q=&z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			r := newRequest(t, tt.method, tt.service+".amazonaws.com", tt.path, tt.raw, tt.query, body)
			if body != nil {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			}
			o := signOpts{service: tt.service, payloadHash: sha256Hex(body)}
			if tt.presigned {
				r = presign(t, r, o, 0)
			} else {
				signHeader(t, r, o)
			}
			sr := serve(t, wire(t, r))
			s, err := verifierAt(signTime.Add(time.Minute)).Verify(sr)
			if err != nil {
				t.Fatalf("Verify(%s %s) = %v", tt.method, sr.RequestURI, err)
			}
			if s.Payload != sigv4.PayloadHashed || s.Service != tt.service || s.Presigned != tt.presigned {
				t.Errorf("Verify(%s %s) = %+v", tt.method, sr.RequestURI, s)
			}
			// The body was read to hash it and must still be there.
			if tt.service == "sts" && tt.method == "POST" {
				if err := sr.ParseForm(); err != nil || sr.PostForm.Get("Action") != "GetCallerIdentity" {
					t.Errorf("ParseForm after Verify = %v; Action = %q", err, sr.PostForm.Get("Action"))
				}
				return
			}
			got, err := io.ReadAll(sr.Body)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("ReadAll(r.Body) after Verify = %q, %v; want %q", got, err, body)
			}
		})
	}
}

func TestVerifySessionToken(t *testing.T) {
	tests := []struct {
		name  string
		creds aws.Credentials
		want  string
	}{
		{"temporary", aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: tempToken}, "ok"},
		{"expired", aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: "expired"}, "ExpiredToken"},
		{"forged", aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: "forged"}, "InvalidToken"},
		{"missing", aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret}, "InvalidToken"},
		{"token on long-term key", aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: tempToken}, "InvalidToken"},
		{"unknown key", aws.Credentials{AccessKeyID: "AKIANOSUCHKEY0000000", SecretAccessKey: secret}, "UnknownAccessKey"},
		{"store failure", aws.Credentials{AccessKeyID: "AKIABROKENSTORE00000", SecretAccessKey: secret}, "Internal"},
	}
	for _, tt := range tests {
		for _, presigned := range []bool{false, true} {
			name := tt.name
			if presigned {
				name += "/presigned"
			}
			t.Run(name, func(t *testing.T) {
				r := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/key", "", "", nil)
				o := signOpts{service: "s3", creds: tt.creds, payloadHash: sigv4.UnsignedPayload}
				if presigned {
					r = presign(t, r, o, time.Minute)
				} else {
					signHeader(t, r, o)
				}
				s, err := verifierAt(signTime).Verify(serve(t, wire(t, r)))
				if got := kindOf(err); got != tt.want {
					t.Fatalf("Verify(token %q) = %s (%v), want %s", tt.creds.SessionToken, got, err, tt.want)
				}
				if err == nil && s.SessionToken != tt.creds.SessionToken {
					t.Errorf("Verify: SessionToken = %q, want %q", s.SessionToken, tt.creds.SessionToken)
				}
				if e, ok := err.(*sigv4.Error); ok && (e.Presigned != presigned || e.AccessKeyID != tt.creds.AccessKeyID) {
					t.Errorf("Verify: error facts Presigned=%v AccessKeyID=%q", e.Presigned, e.AccessKeyID)
				}
			})
		}
	}
}

// TestVerifyTampered changes one thing in a signed request at a time.
func TestVerifyTampered(t *testing.T) {
	// A signed S3 PUT and a signed STS POST, on the wire.
	s3put := func(t *testing.T) string {
		r := newRequest(t, "PUT", "s3.amazonaws.com", "/bucket/my file.txt", "/bucket/my%20file.txt", "tagging=&x=1", []byte("payload bytes"))
		r.Header.Set("X-Amz-Meta-Color", "blue")
		signHeader(t, r, signOpts{service: "s3", payloadHash: sha256Hex([]byte("payload bytes"))})
		return wire(t, r)
	}
	stsPost := func(t *testing.T) string {
		body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
		r := newRequest(t, "POST", "sts.amazonaws.com", "/", "", "", body)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		signHeader(t, r, signOpts{service: "sts", payloadHash: sha256Hex(body)})
		return wire(t, r)
	}
	regional := func(t *testing.T) string {
		r := newRequest(t, "GET", "s3.eu-west-3.amazonaws.com", "/bucket/k", "", "", nil)
		signHeader(t, r, signOpts{service: "s3", region: "eu-west-3", payloadHash: sha256Hex(nil)})
		return wire(t, r)
	}
	swap := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name    string
		request func(*testing.T) string
		change  func(string) string
		now     time.Time
		want    string // Kind from Verify
		body    string // Kind from reading the body
	}{
		{name: "s3 unchanged", request: s3put, want: "ok", body: "ok"},
		{name: "s3 body byte", request: s3put, change: swap("payload bytes", "payload bytez"), want: "ok", body: "ContentSHA256Mismatch"},
		{name: "s3 body cut short", request: s3put, change: func(s string) string { return s[:len(s)-3] }, want: "ok", body: "IncompleteBody"},
		{name: "s3 content-length changed", request: s3put, change: swap("Content-Length: 13", "Content-Length: 12"), want: "SignatureMismatch"},
		{name: "s3 path byte", request: s3put, change: swap("my%20file", "my%20filf"), want: "SignatureMismatch"},
		{name: "s3 path encoding", request: s3put, change: swap("my%20file", "my+file"), want: "SignatureMismatch"},
		{name: "s3 query byte", request: s3put, change: swap("x=1", "x=2"), want: "SignatureMismatch"},
		{name: "s3 query param added", request: s3put, change: swap("x=1", "x=1&y"), want: "SignatureMismatch"},
		{name: "s3 header byte", request: s3put, change: swap("X-Amz-Meta-Color: blue", "X-Amz-Meta-Color: blud"), want: "SignatureMismatch"},
		{name: "s3 header spaces", request: s3put, change: swap("X-Amz-Meta-Color: blue", "X-Amz-Meta-Color:   blue  "), want: "ok", body: "ok"},
		{name: "s3 host", request: s3put, change: swap("Host: s3.amazonaws.com", "Host: s3.amazonaws.co"), want: "SignatureMismatch"},
		{name: "s3 method", request: s3put, change: swap("PUT ", "POST "), want: "SignatureMismatch"},
		{name: "s3 signature byte", request: s3put, change: func(s string) string {
			i := strings.Index(s, "Signature=") + len("Signature=")
			c := "0"
			if s[i] == '0' {
				c = "1"
			}
			return s[:i] + c + s[i+1:]
		}, want: "SignatureMismatch"},
		{name: "s3 unsigned x-amz header", request: s3put, change: swap("\r\n\r\n", "\r\nX-Amz-Acl: public-read\r\n\r\n"), want: "HeadersNotSigned"},
		{name: "s3 wrong date scope", request: s3put, change: swap("/20261122/", "/20261121/"), want: "Malformed"},
		{name: "s3 bad terminator", request: s3put, change: swap("/aws4_request", "/aws4_reques"), want: "Malformed"},
		{name: "s3 wrong region scope", request: regional, want: "ok", body: "ok"},
		{name: "s3 region changed", request: regional, change: swap("/eu-west-3/", "/eu-west-1/"), want: "SignatureMismatch"},
		{name: "s3 service changed", request: s3put, change: swap("/s3/aws4", "/sts/aws4"), want: "SignatureMismatch"},
		{name: "s3 clock 14 min ahead", request: s3put, now: signTime.Add(14 * time.Minute), want: "ok", body: "ok"},
		{name: "s3 clock 16 min ahead", request: s3put, now: signTime.Add(16 * time.Minute), want: "TooSkewed"},
		{name: "s3 clock 16 min behind", request: s3put, now: signTime.Add(-16 * time.Minute), want: "TooSkewed"},
		{name: "s3 no date", request: s3put, change: swap("X-Amz-Date: 20261122T103000Z\r\n", ""), want: "MissingDate"},
		{name: "s3 no content sha256", request: s3put, change: func(s string) string {
			i := strings.Index(s, "X-Amz-Content-Sha256: ")
			j := strings.Index(s[i:], "\r\n")
			return s[:i] + s[i+j+2:]
		}, want: "MissingContentSHA256"},
		{name: "s3 bad content sha256", request: s3put, change: func(s string) string {
			return strings.Replace(s, sha256Hex([]byte("payload bytes")), "not-a-hash", 1)
		}, want: "BadContentSHA256"},
		{name: "s3 no auth", request: s3put, change: func(s string) string {
			i := strings.Index(s, "Authorization: ")
			j := strings.Index(s[i:], "\r\n")
			return s[:i] + s[i+j+2:]
		}, want: "MissingAuth"},
		{name: "s3 sigv2", request: s3put, change: func(s string) string {
			i := strings.Index(s, "Authorization: ")
			j := strings.Index(s[i:], "\r\n")
			return s[:i] + "Authorization: AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=" + s[i+j:]
		}, want: "UnsupportedAlgorithm"},
		{name: "sts unchanged", request: stsPost, want: "ok", body: "ok"},
		{name: "sts body byte", request: stsPost, change: swap("Version=2011-06-15", "Version=2011-06-16"), want: "SignatureMismatch"},
		{name: "sts header byte", request: stsPost, change: swap("application/x-www-form-urlencoded", "application/x-www-form-urlencodee"), want: "SignatureMismatch"},
		{name: "sts wrong date scope", request: stsPost, change: swap("/20261122/", "/20261123/"), want: "Malformed"},
		{name: "sts skewed", request: stsPost, now: signTime.Add(time.Hour), want: "TooSkewed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.request(t)
			if tt.change != nil {
				if changed := tt.change(raw); changed != raw {
					raw = changed
				} else {
					t.Fatalf("the change did not apply to %q", raw)
				}
			}
			now := tt.now
			if now.IsZero() {
				now = signTime.Add(30 * time.Second)
			}
			s, err := verifierAt(now).Verify(serve(t, raw))
			if got := kindOf(err); got != tt.want {
				t.Fatalf("Verify = %s (%v), want %s", got, err, tt.want)
			}
			if err != nil {
				return
			}
			_, err = io.ReadAll(s.Body)
			if got := kindOf(err); got != tt.body {
				t.Errorf("ReadAll(Signed.Body) = %s (%v), want %s", got, err, tt.body)
			}
		})
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	r := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/k", "", "", nil)
	signHeader(t, r, signOpts{service: "s3", payloadHash: sha256Hex(nil),
		creds: aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret + "x"}})
	_, err := verifierAt(signTime).Verify(serve(t, wire(t, r)))
	if got := kindOf(err); got != "SignatureMismatch" {
		t.Fatalf("Verify(signed with another secret) = %s (%v), want SignatureMismatch", got, err)
	}
	rep := sigv4.ReplyFor(err, "s3")
	if rep.Code != "SignatureDoesNotMatch" || len(rep.Fields) == 0 || rep.Fields[4].Name != "CanonicalRequest" ||
		!strings.HasPrefix(rep.Fields[4].Value, "GET\n/bucket/k\n\nhost:s3.amazonaws.com\n") {
		t.Errorf("ReplyFor(mismatch, s3) = %+v", rep)
	}
}

func TestVerifyPresignedClock(t *testing.T) {
	tests := []struct {
		name    string
		service string
		expires time.Duration
		now     time.Duration // after signTime
		want    string
	}{
		{"s3 fresh", "s3", time.Hour, 0, "ok"},
		{"s3 at expiry", "s3", time.Hour, time.Hour, "ok"},
		{"s3 just expired", "s3", time.Hour, time.Hour + time.Second, "PresignExpired"},
		{"s3 a week", "s3", 7 * 24 * time.Hour, 7*24*time.Hour - time.Second, "ok"},
		{"s3 not yet valid", "s3", time.Hour, -16 * time.Minute, "PresignNotYetValid"},
		{"s3 slightly early", "s3", time.Hour, -5 * time.Minute, "ok"},
		{"s3 over a week", "s3", 7*24*time.Hour + time.Second, 0, "Malformed"},
		{"sts within 15 min", "sts", time.Hour, 14 * time.Minute, "ok"},
		{"sts capped at 15 min", "sts", time.Hour, 16 * time.Minute, "PresignExpired"},
		{"sts short expiry", "sts", time.Minute, 2 * time.Minute, "PresignExpired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRequest(t, "GET", tt.service+".amazonaws.com", "/", "", "Action=GetCallerIdentity&Version=2011-06-15", nil)
			hash := sha256Hex(nil)
			if tt.service == "s3" {
				hash = sigv4.UnsignedPayload
			}
			p := presign(t, r, signOpts{service: tt.service, payloadHash: hash}, tt.expires)
			_, err := verifierAt(signTime.Add(tt.now)).Verify(serve(t, wire(t, p)))
			if got := kindOf(err); got != tt.want {
				t.Fatalf("Verify(presigned for %v, at +%v) = %s (%v), want %s", tt.expires, tt.now, got, err, tt.want)
			}
		})
	}
}

func TestVerifyMalformedHeader(t *testing.T) {
	r := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/k", "", "", nil)
	signHeader(t, r, signOpts{service: "s3", payloadHash: sha256Hex(nil)})
	full := r.Header.Get("Authorization")
	tests := []struct {
		name, auth, want string
	}{
		{"complete", full, "ok"},
		{"algorithm only", "AWS4-HMAC-SHA256", "Malformed"},
		{"algorithm and space", "AWS4-HMAC-SHA256 ", "Malformed"},
		{"cut in algorithm", full[:10], "UnsupportedAlgorithm"},
		{"bearer", "Bearer abc.def", "UnsupportedAlgorithm"},
		{"sigv4a", "AWS4-ECDSA-P256-SHA256 Credential=x", "UnsupportedAlgorithm"},
		{"no signature", full[:strings.Index(full, ", Signature=")], "Malformed"},
		{"empty signature", full[:strings.Index(full, "Signature=")+len("Signature=")], "Malformed"},
		{"cut signature", full[:len(full)-1], "SignatureMismatch"},
		{"no signed headers", strings.Replace(full, "SignedHeaders=", "Signed=", 1), "Malformed"},
		{"no equals", strings.Replace(full, "Credential=", "Credential ", 1), "Malformed"},
		{"short credential", strings.Replace(full, "/aws4_request", "", 1), "Malformed"},
		{"empty key id", strings.Replace(full, akid, "", 1), "Malformed"},
		{"bad scope date", strings.Replace(full, "/20261122/", "/2026112x/", 1), "Malformed"},
		{"host not signed", strings.Replace(full, "SignedHeaders=host;", "SignedHeaders=", 1), "Malformed"},
		{"no spaces", strings.ReplaceAll(full, ", ", ","), "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := r.Clone(r.Context())
			c.Header.Set("Authorization", tt.auth)
			_, err := verifierAt(signTime).Verify(serve(t, wire(t, c)))
			if got := kindOf(err); got != tt.want {
				t.Fatalf("Verify(Authorization %q) = %s (%v), want %s", tt.auth, got, err, tt.want)
			}
		})
	}
}

func TestVerifyMalformedPresigned(t *testing.T) {
	r := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/k", "", "", nil)
	p := presign(t, r, signOpts{service: "s3", payloadHash: sigv4.UnsignedPayload}, time.Hour)
	raw := p.URL.RawQuery
	drop := func(name string) string {
		var kept []string
		for kv := range strings.SplitSeq(raw, "&") {
			if !strings.HasPrefix(kv, name+"=") {
				kept = append(kept, kv)
			}
		}
		return strings.Join(kept, "&")
	}
	tests := []struct{ name, query, want string }{
		{"complete", raw, "ok"},
		{"no expires", drop("X-Amz-Expires"), "Malformed"},
		{"no signature", drop("X-Amz-Signature"), "Malformed"},
		{"no date", drop("X-Amz-Date"), "Malformed"},
		{"no credential", drop("X-Amz-Credential"), "Malformed"},
		{"no signed headers", drop("X-Amz-SignedHeaders"), "Malformed"},
		{"no algorithm", drop("X-Amz-Algorithm"), "MissingAuth"},
		{"other algorithm", strings.Replace(raw, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1), "UnsupportedAlgorithm"},
		{"expires not a number", strings.Replace(raw, "X-Amz-Expires=3600", "X-Amz-Expires=1h", 1), "Malformed"},
		{"negative expires", strings.Replace(raw, "X-Amz-Expires=3600", "X-Amz-Expires=-1", 1), "Malformed"},
		{"bad date", strings.Replace(raw, "X-Amz-Date=20261122T103000Z", "X-Amz-Date=2026-11-22", 1), "Malformed"},
		{"expires changed", strings.Replace(raw, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1), "SignatureMismatch"},
		{"sigv2", "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D", "UnsupportedAlgorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.Clone(p.Context())
			c.URL.RawQuery = tt.query
			_, err := verifierAt(signTime).Verify(serve(t, wire(t, c)))
			if got := kindOf(err); got != tt.want {
				t.Fatalf("Verify(?%s) = %s (%v), want %s", tt.query, got, err, tt.want)
			}
		})
	}
	t.Run("and an Authorization header", func(t *testing.T) {
		c := p.Clone(p.Context())
		c.URL.RawQuery = raw
		c.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/s3/aws4_request")
		_, err := verifierAt(signTime).Verify(serve(t, wire(t, c)))
		if got := kindOf(err); got != "TwoMechanisms" {
			t.Fatalf("Verify(presigned and a header) = %s (%v), want TwoMechanisms", got, err)
		}
	})
}

func TestVerifyDateHeader(t *testing.T) {
	// A client that signs with the Date header instead of X-Amz-Date.
	r := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/k", "", "", nil)
	signHeader(t, r, signOpts{service: "s3", payloadHash: sha256Hex(nil)})
	raw := wire(t, r)
	// Re-sign by hand: replace X-Amz-Date with Date in the signed headers.
	r2 := newRequest(t, "GET", "s3.amazonaws.com", "/bucket/k", "", "", nil)
	r2.Header.Set("Date", signTime.Format(http.TimeFormat))
	r2.Header.Set("X-Amz-Content-Sha256", sha256Hex(nil))
	key := signingKey(secret, "20261122", "us-east-1", "s3")
	canonical := "GET\n/bucket/k\n\ndate:" + signTime.Format(http.TimeFormat) + "\nhost:s3.amazonaws.com\nx-amz-content-sha256:" +
		sha256Hex(nil) + "\n\ndate;host;x-amz-content-sha256\n" + sha256Hex(nil)
	sts := "AWS4-HMAC-SHA256\n20261122T103000Z\n20261122/us-east-1/s3/aws4_request\n" + sha256Hex([]byte(canonical))
	r2.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+akid+"/20261122/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature="+hmacHex(key, sts))
	for name, raw := range map[string]string{"x-amz-date": raw, "date": wire(t, r2)} {
		if _, err := verifierAt(signTime).Verify(serve(t, raw)); err != nil {
			t.Errorf("Verify(signed with %s) = %v", name, err)
		}
	}
}

func TestVerifyUnsigned(t *testing.T) {
	r := serve(t, "GET /bucket/key?versionId=3 HTTP/1.1\r\nHost: s3.amazonaws.com\r\n\r\n")
	s, err := verifierAt(signTime).Verify(r)
	if s != nil || kindOf(err) != "MissingAuth" {
		t.Fatalf("Verify(unsigned) = %v, %v; want MissingAuth", s, err)
	}
	if svc, ok := sigv4.ServiceOf(r); ok || svc != "" {
		t.Errorf("ServiceOf(unsigned) = %q, %v", svc, ok)
	}
	for _, tt := range []struct{ service, code string }{{"s3", "AccessDenied"}, {"sts", "MissingAuthenticationToken"}} {
		if rep := sigv4.ReplyFor(err, tt.service); rep.Code != tt.code || rep.Status != 403 {
			t.Errorf("ReplyFor(MissingAuth, %s) = %+v, want %s 403", tt.service, rep, tt.code)
		}
	}
}

func TestServiceOf(t *testing.T) {
	for _, svc := range []string{"s3", "sts", "iam", "organizations"} {
		r := newRequest(t, "GET", "localhost:4600", "/", "", "", nil)
		signHeader(t, r, signOpts{service: svc, payloadHash: sha256Hex(nil)})
		if got, ok := sigv4.ServiceOf(serve(t, wire(t, r))); got != svc || !ok {
			t.Errorf("ServiceOf(signed for %s) = %q, %v", svc, got, ok)
		}
		p := presign(t, newRequest(t, "GET", "localhost:4600", "/", "", "", nil), signOpts{service: svc, payloadHash: sha256Hex(nil)}, time.Minute)
		if got, ok := sigv4.ServiceOf(serve(t, wire(t, p))); got != svc || !ok {
			t.Errorf("ServiceOf(presigned for %s) = %q, %v", svc, got, ok)
		}
	}
}

func TestVerifyBodyTooLarge(t *testing.T) {
	body := bytes.Repeat([]byte("a"), 2048)
	r := newRequest(t, "POST", "iam.amazonaws.com", "/", "", "", body)
	signHeader(t, r, signOpts{service: "iam", payloadHash: sha256Hex(body)})
	v := verifierAt(signTime)
	v.MaxBodyBytes = 1024
	_, err := v.Verify(serve(t, wire(t, r)))
	if got := kindOf(err); got != "BodyTooLarge" {
		t.Fatalf("Verify(2 KiB body, limit 1 KiB) = %s (%v), want BodyTooLarge", got, err)
	}
}
