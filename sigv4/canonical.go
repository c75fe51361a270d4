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

// appendCanonicalRequest appends the canonical request for r, as AWS
// builds it, to b:
//
//	method \n URI \n query \n headers \n signed-headers \n payload-hash
//
// S3 takes the URI path as the client sent it; every other service
// URI-encodes the (already encoded) path once more. The caller may keep b
// on its stack: the string is needed only to explain a mismatch.
func appendCanonicalRequest(b []byte, r *http.Request, a *auth, payloadHash string) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	path := rawPath(r)
	if a.service == "s3" {
		b = append(b, path...)
	} else {
		b = appendEncoded(b, path, true)
	}
	b = append(b, '\n')
	b = appendCanonicalQuery(b, a.query, a.presigned)
	b = append(b, '\n')
	for _, name := range a.signedHeaders {
		b = appendCanonicalHeader(b, r, name)
	}
	b = append(b, '\n')
	b = append(b, a.signedHeadersRaw...)
	b = append(b, '\n')
	return append(b, payloadHash...)
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

// appendCanonicalQuery appends the query pairs URI-encoded, sorted by
// name then value after encoding, as name=value joined by '&'. A
// presigned request leaves out its own X-Amz-Signature.
func appendCanonicalQuery(b []byte, ps []param, presigned bool) []byte {
	if len(ps) == 0 {
		return b
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
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return b
}

// appendCanonicalHeader appends "name:value\n": every value of the
// header, trimmed, with runs of spaces made one, joined by commas. The
// host comes from r.Host, where Go's server puts it.
func appendCanonicalHeader(b []byte, r *http.Request, name string) []byte {
	lname := strings.ToLower(name)
	b = append(b, lname...)
	b = append(b, ':')
	if lname == "host" {
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		return append(appendTrimmed(b, host), '\n')
	}
	vs := headerValues(r.Header, lname)
	if vs == nil {
		switch lname {
		case "content-length":
			if r.ContentLength >= 0 {
				b = strconv.AppendInt(b, r.ContentLength, 10)
			}
		case "transfer-encoding":
			vs = r.TransferEncoding
		}
	}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTrimmed(b, v)
	}
	return append(b, '\n')
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

// appendTrimmed appends v without leading and trailing whitespace and
// with each run of spaces written as one space.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	if !strings.Contains(v, "  ") {
		return append(b, v...)
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
		b = append(b, c)
	}
	return b
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
	return string(appendEncoded(make([]byte, 0, len(s)+2*n), s, false))
}

func appendEncoded(b []byte, s string, keepSlash bool) []byte {
	const upper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upper[c>>4], upper[c&15])
	}
	return b
}

// appendStringToSign appends the SigV4 string to sign for a canonical
// request to b.
func appendStringToSign(b []byte, amzDate, scope string, canonical []byte) []byte {
	sum := sha256.Sum256(canonical)
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
