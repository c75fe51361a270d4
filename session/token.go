package session

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/secret"
)

// A token is the unpadded URL-safe base64 (RFC 4648 §5) of
//
//	version (1 byte) | sealed payload
//
// where the sealed payload is secret.Sealer's nonce | AES-256-GCM
// ciphertext | tag, under a key derived for the purpose "session tokens".
// Its alphabet (A-Z a-z 0-9 - _) passes through headers, query strings and
// URL encoding unchanged. The version byte outside the seal says how to
// read the token; it is repeated as the first byte of the plaintext, so it
// is authenticated too. The plaintext of version 1 is
//
//	version | codec | body
//
// with codec 0 for a body as is, and 1 for a body compressed with DEFLATE
// (RFC 1951), used for a body over 1 KiB (one with a large session policy
// or many tags) when that is shorter. The body is the fields of Claims in
// a fixed order (compressing before sealing is safe here: the only party
// choosing any of the body, the caller of STS through its policy and
// tags, also receives the one secret in it, the secret access key):
//
//	kind (1 byte) | flags (1 byte: 1 Root, 2 RoleChained)
//	AccessKeyID SecretAccessKey Account RoleARN RoleID SessionName
//	UserName UserARN UserID                           strings
//	Issued Expires MFAAuthenticated                   times
//	SourceIdentity ExternalID Policy                  strings
//	PolicyARNs                                        list of strings
//	Tags                                              list of key, value
//	TransitiveTagKeys                                 list of strings
//
// A string is its length (uvarint) and bytes; a time is its Unix seconds
// (varint) and nanoseconds (uvarint); a list is its length (uvarint) and
// items. Nothing may follow the last field. A new field means a new
// version: a node meeting a version it does not know rejects the token
// rather than ignore a field that might restrict the session.
const (
	version1 = 1

	codecRaw     = 0
	codecDeflate = 1

	flagRoot        = 1 << 0
	flagRoleChained = 1 << 1

	// compressAbove is the body length from which compression is tried:
	// inflating costs a few microseconds on every request, worth it for a
	// large session policy, not for the hundred bytes tags might save.
	compressAbove = 1024
	// maxBody bounds a body, compressed or not: the largest session AWS
	// allows (a 2,048-character policy, 50 tags of 128 + 256 characters
	// of up to 4 bytes each) is under 80 KB.
	maxBody = 128 << 10
	// maxToken bounds a token's length. A session whose policies and tags
	// fit AWS's packed size (see PackedPolicySize) makes a token of under
	// 3 KB; one that does not fit is refused by STS before it is issued.
	maxToken = 8 << 10
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// Errors of Open.
var (
	// ErrInvalid: the token is not one this deployment issued, whole and
	// unaltered: malformed, truncated, altered in any byte, sealed with
	// another key, or of an unknown version.
	ErrInvalid = errors.New("session token is invalid")
	// ErrExpired: the token is valid but its session has expired. Open
	// returns it as an *ExpiredError.
	ErrExpired = errors.New("session token has expired")
)

// ExpiredError is a valid token past its expiry. It matches ErrExpired
// with errors.Is.
type ExpiredError struct {
	AccessKeyID string
	Expires     time.Time
}

func (e *ExpiredError) Error() string {
	return "session token of " + e.AccessKeyID + " expired at " + e.Expires.UTC().Format(time.RFC3339)
}

// Unwrap returns ErrExpired.
func (e *ExpiredError) Unwrap() error { return ErrExpired }

// Issuer issues and opens session tokens with the deployment's key. Every
// node given the same key opens every other node's tokens. An Issuer is
// safe for concurrent use.
type Issuer struct {
	sealer *secret.Sealer
}

// NewIssuer returns an Issuer sealing with key, the deployment key of
// secret.KeySize bytes.
func NewIssuer(key []byte) (*Issuer, error) {
	s, err := secret.NewSealer(key, "session tokens")
	if err != nil {
		return nil, err
	}
	return &Issuer{sealer: s}, nil
}

// Issue returns the session token carrying c. It returns an error, and no
// token, when c is not a whole session of its kind (see Claims) or is too
// large for a token; check PackedPolicySize first, as STS does.
func (is *Issuer) Issue(c *Claims) (string, error) {
	if err := c.validate(); err != nil {
		return "", fmt.Errorf("issuing a session token: %w", err)
	}
	body := c.appendBody(make([]byte, 0, 256))
	if len(body) > maxBody {
		return "", fmt.Errorf("issuing a session token: the session is %d bytes, over %d", len(body), maxBody)
	}
	plain := make([]byte, 2, 2+len(body))
	plain[0], plain[1] = version1, codecRaw
	if len(body) > compressAbove {
		if z := deflate(body); len(z) < len(body) {
			plain[1], body = codecDeflate, z
		}
	}
	plain = append(plain, body...)
	sealed := append([]byte{version1}, is.sealer.Seal(plain)...)
	token := tokenEncoding.EncodeToString(sealed)
	if len(token) > maxToken {
		return "", fmt.Errorf("issuing a session token: the token is %d characters, over %d", len(token), maxToken)
	}
	return token, nil
}

// Open checks token and returns its claims. It returns ErrInvalid for a
// token this deployment did not issue or that was altered, and an
// *ExpiredError (errors.Is ErrExpired) for one that expired at or before
// now. The caller must still check that the request was signed with
// Claims.AccessKeyID and its secret.
func (is *Issuer) Open(token string, now time.Time) (*Claims, error) {
	if len(token) == 0 || len(token) > maxToken {
		return nil, ErrInvalid
	}
	sealed, err := tokenEncoding.DecodeString(token)
	if err != nil || len(sealed) < 1 || sealed[0] != version1 {
		return nil, ErrInvalid
	}
	plain, err := is.sealer.Open(sealed[1:])
	if err != nil || len(plain) < 2 || plain[0] != version1 {
		return nil, ErrInvalid
	}
	body := plain[2:]
	switch plain[1] {
	case codecRaw:
	case codecDeflate:
		if body, err = inflate(body); err != nil {
			return nil, ErrInvalid
		}
	default:
		return nil, ErrInvalid
	}
	c, err := decodeBody(string(body))
	if err != nil {
		return nil, ErrInvalid
	}
	if !now.Before(c.Expires) {
		return nil, &ExpiredError{AccessKeyID: c.AccessKeyID, Expires: c.Expires}
	}
	return c, nil
}

// appendBody appends the body encoding of c to b.
func (c *Claims) appendBody(b []byte) []byte {
	var flags byte
	if c.Root {
		flags |= flagRoot
	}
	if c.RoleChained {
		flags |= flagRoleChained
	}
	b = append(b, byte(c.Kind), flags)
	for _, s := range [...]string{c.AccessKeyID, c.SecretAccessKey, c.Account, c.RoleARN, c.RoleID, c.SessionName, c.UserName, c.UserARN, c.UserID} {
		b = appendString(b, s)
	}
	for _, t := range [...]time.Time{c.Issued, c.Expires, c.MFAAuthenticated} {
		b = appendTime(b, t)
	}
	for _, s := range [...]string{c.SourceIdentity, c.ExternalID, c.Policy} {
		b = appendString(b, s)
	}
	b = appendStrings(b, c.PolicyARNs)
	b = binary.AppendUvarint(b, uint64(len(c.Tags)))
	for _, t := range c.Tags {
		b = appendString(appendString(b, t.Key), t.Value)
	}
	return appendStrings(b, c.TransitiveTagKeys)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	return binary.AppendUvarint(binary.AppendVarint(b, t.Unix()), uint64(t.Nanosecond()))
}

var errBody = errors.New("malformed session token body")

// decodeBody decodes a body appendBody made and checks the claims.
// Strings of the claims share s's memory.
func decodeBody(s string) (*Claims, error) {
	d := decoder{s: s}
	c := &Claims{Kind: Kind(d.byte())}
	flags := d.byte()
	if flags&^(flagRoot|flagRoleChained) != 0 {
		return nil, errBody
	}
	c.Root, c.RoleChained = flags&flagRoot != 0, flags&flagRoleChained != 0
	for _, p := range [...]*string{&c.AccessKeyID, &c.SecretAccessKey, &c.Account, &c.RoleARN, &c.RoleID, &c.SessionName, &c.UserName, &c.UserARN, &c.UserID} {
		*p = d.string()
	}
	for _, p := range [...]*time.Time{&c.Issued, &c.Expires, &c.MFAAuthenticated} {
		*p = d.time()
	}
	for _, p := range [...]*string{&c.SourceIdentity, &c.ExternalID, &c.Policy} {
		*p = d.string()
	}
	c.PolicyARNs = d.strings()
	if n := d.count(2); n > 0 {
		c.Tags = make([]trustgate.Tag, n)
		for i := range c.Tags {
			c.Tags[i] = trustgate.Tag{Key: d.string(), Value: d.string()}
		}
	}
	c.TransitiveTagKeys = d.strings()
	if d.bad || d.s != "" {
		return nil, errBody
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// decoder reads a body. After the first malformed read, bad is set and
// every read returns a zero value.
type decoder struct {
	s   string
	bad bool
}

func (d *decoder) fail() { d.bad, d.s = true, "" }

func (d *decoder) byte() byte {
	if d.s == "" {
		d.fail()
		return 0
	}
	b := d.s[0]
	d.s = d.s[1:]
	return b
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for i, shift := 0, uint(0); i < binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		if i == len(d.s) {
			break
		}
		b := d.s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				break // overflows 64 bits
			}
			d.s = d.s[i+1:]
			return x | uint64(b)<<shift
		}
		x |= uint64(b&0x7f) << shift
	}
	d.fail()
	return 0
}

// count reads a list length whose items take at least min bytes each.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.s)/min) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *decoder) strings() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}

func (d *decoder) time() time.Time {
	ux := d.uvarint()
	sec := int64(ux >> 1)
	if ux&1 != 0 {
		sec = ^sec
	}
	nsec := d.uvarint()
	if nsec >= uint64(time.Second) {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

var (
	writers = sync.Pool{New: func() any {
		w, err := flate.NewWriter(nil, flate.BestCompression)
		if err != nil {
			panic(err) // only for an invalid level
		}
		return w
	}}
	readers = sync.Pool{New: func() any { return flate.NewReader(nil) }}
)

// deflate compresses b.
func deflate(b []byte) []byte {
	var out bytes.Buffer
	w := writers.Get().(*flate.Writer)
	defer writers.Put(w)
	w.Reset(&out)
	w.Write(b) // a bytes.Buffer does not fail
	w.Close()
	return out.Bytes()
}

// inflate decompresses b, which must hold one whole DEFLATE stream of at
// most maxBody bytes.
func inflate(b []byte) ([]byte, error) {
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	src := bytes.NewReader(b)
	if err := r.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxBody || src.Len() != 0 {
		return nil, errBody
	}
	return out, nil
}
