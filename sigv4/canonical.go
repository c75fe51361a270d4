package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// canonicalRequest builds the canonical request for r as AWS does:
//
//	method \n URI \n query \n headers \n signed-headers \n payload-hash
//
// S3 takes the URI path as the client sent it; every other service
// URI-encodes the (already encoded) path once more.
func canonicalRequest(r *http.Request, a *auth, payloadHash string) string {
	var b strings.Builder
	b.Grow(256 + len(r.URL.RawQuery) + len(payloadHash))
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := rawPath(r)
	if a.service == "s3" {
		b.WriteString(path)
	} else {
		writeEncoded(&b, path, true)
	}
	b.WriteByte('\n')
	writeCanonicalQuery(&b, a.query, a.presigned)
	b.WriteByte('\n')
	for _, name := range a.signedHeaders {
		writeCanonicalHeader(&b, r, name)
	}
	b.WriteByte('\n')
	b.WriteString(a.signedHeadersRaw)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// rawPath returns the request path exactly as the client sent it: from
// the request line when r came from a server, or else r.URL's escaped
// path. An empty path is "/".
func rawPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	return p
}

// writeCanonicalQuery writes the query pairs URI-encoded, sorted by name
// then value after encoding, as name=value joined by '&'. A presigned
// request leaves out its own X-Amz-Signature.
func writeCanonicalQuery(b *strings.Builder, ps []param, presigned bool) {
	if len(ps) == 0 {
		return
	}
	enc := make([]param, 0, len(ps))
	for _, p := range ps {
		if presigned && p.key == qSignature {
			continue
		}
		enc = append(enc, param{encode(p.key), encode(p.value)})
	}
	slices.SortFunc(enc, func(x, y param) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		return strings.Compare(x.value, y.value)
	})
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
}

// writeCanonicalHeader writes "name:value\n": every value of the header,
// trimmed, with runs of spaces made one, joined by commas. The host comes
// from r.Host, where Go's server puts it.
func writeCanonicalHeader(b *strings.Builder, r *http.Request, name string) {
	lname := strings.ToLower(name)
	b.WriteString(lname)
	b.WriteByte(':')
	if lname == "host" {
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		writeTrimmed(b, host)
		b.WriteByte('\n')
		return
	}
	vs := headerValues(r.Header, lname)
	if vs == nil {
		switch lname {
		case "content-length":
			if r.ContentLength >= 0 {
				vs = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		case "transfer-encoding":
			vs = r.TransferEncoding
		}
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		writeTrimmed(b, v)
	}
	b.WriteByte('\n')
}

// headerValues finds a header by its lower-case name without allocating
// its canonical form: it looks the canonical form up from a buffer on the
// stack, and searches the whole header only for names Go's server would
// not have stored canonically.
func headerValues(h http.Header, lname string) []string {
	var buf [64]byte
	if len(lname) <= len(buf) {
		upper := true
		for i := 0; i < len(lname); i++ {
			c := lname[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[i] = c
			upper = c == '-'
		}
		if vs, ok := h[string(buf[:len(lname)])]; ok {
			return vs
		}
	}
	for k, vs := range h {
		if len(k) == len(lname) && strings.EqualFold(k, lname) {
			return vs
		}
	}
	return nil
}

// writeTrimmed writes v without leading and trailing whitespace and with
// each run of spaces written as one space.
func writeTrimmed(b *strings.Builder, v string) {
	v = strings.Trim(v, " \t")
	if !strings.Contains(v, "  ") {
		b.WriteString(v)
		return
	}
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
}

// unreserved reports the bytes SigV4 leaves unencoded (RFC 3986
// unreserved: A-Z a-z 0-9 - . _ ~).
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// encode URI-encodes s as SigV4 requires: every byte but the unreserved
// ones as %XX with upper-case hex.
func encode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	writeEncoded(&b, s, false)
	return b.String()
}

func writeEncoded(b *strings.Builder, s string, keepSlash bool) {
	const upper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upper[c>>4])
		b.WriteByte(upper[c&15])
	}
}

// appendStringToSign appends the SigV4 string to sign for a canonical
// request to b.
func appendStringToSign(b []byte, amzDate, scope, canonical string) []byte {
	sum := sha256.Sum256([]byte(canonical))
	b = append(b, algorithm...)
	b = append(b, '\n')
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = append(b, scope...)
	b = append(b, '\n')
	return hex.AppendEncode(b, sum[:])
}

// signatureMatches reports, in constant time, whether sig is the hex
// HMAC-SHA256 of s under key.
func signatureMatches(key, s []byte, sig string) bool {
	sum := hmacSum(key, s)
	var want [2 * sha256.Size]byte
	hex.Encode(want[:], sum[:])
	return hmac.Equal(want[:], []byte(sig))
}

// hmacLong is hmacSum through crypto/hmac, for long inputs. It copies
// msg, so that hashing it through an interface does not make every
// caller's buffer escape to the heap.
func hmacLong(key, msg []byte) (sum [sha256.Size]byte) {
	m := hmac.New(sha256.New, key)
	m.Write(bytes.Clone(msg))
	copy(sum[:], m.Sum(nil))
	return sum
}

// hmacSum is HMAC-SHA256 (RFC 2104) of msg under key. A signing key and
// a string to sign are short, so both hashes usually run over buffers on
// the stack, without the allocations of crypto/hmac; longer inputs take
// crypto/hmac.
func hmacSum(key, msg []byte) [sha256.Size]byte {
	const block = 64 // SHA-256's block size
	var inner [block + 448]byte
	if len(key) > block || len(msg) > len(inner)-block {
		return hmacLong(key, msg)
	}
	var outer [block + sha256.Size]byte
	copy(inner[:], key)
	copy(outer[:], key)
	for i := range block {
		inner[i] ^= 0x36
		outer[i] ^= 0x5c
	}
	copy(inner[block:], msg)
	innerSum := sha256.Sum256(inner[:block+len(msg)])
	copy(outer[block:], innerSum[:])
	return sha256.Sum256(outer[:])
}
