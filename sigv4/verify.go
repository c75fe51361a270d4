package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Keys finds the key an access key id names. sessionToken is the
// X-Amz-Security-Token the request carried ("" for none); a long-term key
// must come without one and a temporary key with its own.
//
// Key returns an *Error of Kind UnknownAccessKey when the key does not
// exist, InvalidToken when the token is malformed, forged or not the key's,
// and ExpiredToken when it has expired. Any other error is an internal
// failure.
type Keys interface {
	Key(ctx context.Context, accessKeyID, sessionToken string) (Key, error)
}

// A Key is what Keys finds: the secret to check the signature with, and
// whatever the caller keeps about the key (Owner), which a verified
// request carries as Signed.Owner, so that the key is not looked up, nor
// its session token opened, a second time.
type Key struct {
	Secret string
	Owner  any
}

// KeysFunc adapts a function to Keys.
type KeysFunc func(ctx context.Context, accessKeyID, sessionToken string) (Key, error)

// Key calls f.
func (f KeysFunc) Key(ctx context.Context, accessKeyID, sessionToken string) (Key, error) {
	return f(ctx, accessKeyID, sessionToken)
}

// Defaults of a Verifier's zero fields.
const (
	// DefaultMaxSkew is how far a request's time may be from the server's
	// (AWS's 15 minutes).
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxBodyBytes bounds the body read to hash a non-S3 request.
	DefaultMaxBodyBytes = 10 << 20
)

// Payload says how a request's body is authenticated.
type Payload int

const (
	// PayloadUnsigned: UNSIGNED-PAYLOAD, or a presigned S3 URL; the body is
	// not authenticated.
	PayloadUnsigned Payload = iota
	// PayloadSHA256: S3 with a hex SHA-256 in x-amz-content-sha256; Body
	// fails at its end if the bytes do not hash to it.
	PayloadSHA256
	// PayloadHashed: a service other than S3; the body was read and its
	// hash signed, so it is authenticated before Verify returns.
	PayloadHashed
	// PayloadStreaming: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, aws-chunked
	// with a signature on every chunk.
	PayloadStreaming
	// PayloadStreamingTrailer: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER,
	// signed chunks and signed trailing headers.
	PayloadStreamingTrailer
	// PayloadStreamingUnsignedTrailer: STREAMING-UNSIGNED-PAYLOAD-TRAILER,
	// aws-chunked without signatures, with trailing headers.
	PayloadStreamingUnsignedTrailer
)

// Values of x-amz-content-sha256.
const (
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingPayload                = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// emptySHA256 is the hex SHA-256 of nothing.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Signed is an authenticated request: who signed it, for which scope and
// when, and the payload to read.
type Signed struct {
	AccessKeyID  string
	SessionToken string // "" for a long-term key
	// Region and Service come from the credential scope. The region is not
	// checked against anything: the signature covers it.
	Region  string
	Service string
	Time    time.Time // the request time (X-Amz-Date or Date)
	// Owner is what Keys returned with the key's secret.
	Owner any

	Presigned bool
	Expires   time.Time // when a presigned URL stops working; zero otherwise
	// Post is true for a browser upload form (VerifyPost): its policy was
	// signed, not the request, and its body is the form's.
	Post bool

	Payload     Payload
	PayloadHash string // the payload hash the signature covers

	// Body is the payload; Verify also installs it as r.Body. The caller
	// must read the payload through it, to EOF, and discard what it read
	// if any Read returns an error other than io.EOF: for PayloadSHA256
	// and the streaming payloads that error (a *Error) is how a body that
	// does not match its signature shows.
	Body io.ReadCloser
	// ContentLength is the length of the payload Body yields: the decoded
	// length for aws-chunked, -1 when unknown. r.ContentLength is left as
	// the client sent it.
	ContentLength int64

	chunked *ChunkedReader
	hashed  []byte // the whole payload of PayloadHashed
}

// HashedBody returns the payload of a PayloadHashed request, which Verify
// read whole to hash it, so that the caller need not copy it again
// through Body; ok is false for the other payloads.
func (s *Signed) HashedBody() (body []byte, ok bool) {
	return s.hashed, s.Payload == PayloadHashed
}

// Trailers returns the trailing headers of an aws-chunked body (such as
// x-amz-checksum-crc32), with lower-case names, once Body has been read to
// its end. It is nil for other payloads and before then.
func (s *Signed) Trailers() http.Header {
	if s.chunked == nil {
		return nil
	}
	return s.chunked.Trailers()
}

// Verifier checks AWS Signature Version 4 on requests. Its zero fields
// take the defaults above; it is safe for concurrent use once made and
// must not be copied after its first Verify.
type Verifier struct {
	Keys Keys
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far a request's time may be from Now.
	MaxSkew time.Duration
	// MaxBodyBytes bounds the body Verify reads to hash a non-S3 request.
	MaxBodyBytes int64
	// Cache holds derived signing keys; nil means one of
	// DefaultKeyCacheSize, made on first use.
	Cache *KeyCache

	once sync.Once
}

// NewVerifier returns a Verifier that finds secrets with keys.
func NewVerifier(keys Keys) *Verifier {
	return &Verifier{Keys: keys, Cache: NewKeyCache(0)}
}

func (v *Verifier) cache() *KeyCache {
	v.once.Do(func() {
		if v.Cache == nil {
			v.Cache = NewKeyCache(0)
		}
	})
	return v.Cache
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now().UTC()
	}
	return time.Now().UTC()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

// Verify authenticates r by its Authorization header or its presigned
// query string. On success it returns who signed and installs the payload
// reader as r.Body (see Signed.Body). On failure the error is an *Error:
// Kind MissingAuth for an unsigned request (for S3, an anonymous one), and
// otherwise the reason, which Error.Reply words for the answering service.
func (v *Verifier) Verify(r *http.Request) (*Signed, error) {
	var parsed auth // on the stack: nothing keeps it past Verify
	a := &parsed
	if e := parseAuth(r, a); e != nil {
		e.AccessKeyID = a.accessKeyID
		return nil, e
	}
	now := v.now()
	if e := v.checkTime(a, now); e != nil {
		e.AccessKeyID = a.accessKeyID
		return nil, e
	}

	s := &Signed{
		AccessKeyID:   a.accessKeyID,
		SessionToken:  a.token,
		Region:        a.region,
		Service:       a.service,
		Time:          a.time,
		Presigned:     a.presigned,
		ContentLength: r.ContentLength,
	}
	if a.presigned {
		s.Expires = a.time.Add(v.presignWindow(a))
	}
	s3 := a.service == "s3"
	var e *Error
	var decoded int64 = -1
	if s3 {
		if e := s3Payload(r, a, s); e != nil {
			return nil, e
		}
		if s.Payload >= PayloadStreaming {
			if decoded, e = decodedLength(r, s.Payload, a.presigned); e != nil {
				return nil, e
			}
		}
	}

	found, err := v.Keys.Key(r.Context(), a.accessKeyID, a.token)
	if err != nil {
		return nil, lookupError(err, a)
	}
	s.Owner = found.Owner

	var body []byte
	if !s3 {
		if body, e = v.readBody(r, a); e != nil {
			return nil, e
		}
		sum := sha256.Sum256(body)
		s.Payload, s.PayloadHash = PayloadHashed, hex.EncodeToString(sum[:])
	} else if e := headersSigned(r, a); e != nil {
		return nil, e
	}

	key := v.cache().Key(found.Secret, a.date, a.region, a.service)
	var canonicalBuf [1024]byte
	canonical := appendCanonicalRequest(canonicalBuf[:0], r, a, s.PayloadHash)
	var stsBuf [256]byte
	sts := appendStringToSign(stsBuf[:0], a.amzDate, a.scope, canonical)
	if !signatureMatches(key, sts, a.signature) {
		return nil, &Error{Kind: SignatureMismatch, Presigned: a.presigned, AccessKeyID: a.accessKeyID,
			CanonicalRequest: string(canonical), StringToSign: string(sts), SignatureProvided: a.signature}
	}

	switch s.Payload {
	case PayloadHashed:
		s.Body = readCloser{bytes.NewReader(body), r.Body}
		s.ContentLength = int64(len(body))
		s.hashed = body
	case PayloadSHA256:
		s.Body = &hashedBody{r: bodyOf(r), h: sha256.New(), want: s.PayloadHash}
	case PayloadStreaming, PayloadStreamingTrailer, PayloadStreamingUnsignedTrailer:
		o := ChunkedOptions{
			Trailer:       s.Payload != PayloadStreaming,
			DecodedLength: decoded,
			Trailers:      promisedTrailers(r),
		}
		if s.Payload != PayloadStreamingUnsignedTrailer {
			o.Chain = &Chain{Key: key, Time: a.amzDate, Scope: a.scope, Seed: a.signature}
		}
		s.chunked = NewChunkedReader(bodyOf(r), o)
		s.Body = s.chunked
		s.ContentLength = decoded
	default:
		s.Body = bodyOf(r)
	}
	r.Body = s.Body
	return s, nil
}

// presignWindow is how long a presigned URL works after its X-Amz-Date:
// X-Amz-Expires for S3; for the other services, which do not honour it
// beyond their 15 minutes, the shorter of the two.
func (v *Verifier) presignWindow(a *auth) time.Duration {
	skew := v.maxSkew()
	if a.expires < 0 {
		return skew
	}
	w := time.Duration(a.expires) * time.Second
	if a.service != "s3" && w > skew {
		w = skew
	}
	return w
}

func (v *Verifier) checkTime(a *auth, now time.Time) *Error {
	skew := v.maxSkew()
	if !a.presigned {
		if a.time.Before(now.Add(-skew)) || a.time.After(now.Add(skew)) {
			return &Error{Kind: TooSkewed, RequestTime: a.rawDate, Time: a.time, ServerTime: now, Window: skew}
		}
		return nil
	}
	w := v.presignWindow(a)
	if a.time.After(now.Add(skew)) {
		return &Error{Kind: PresignNotYetValid, Presigned: true, RequestTime: a.rawDate, Time: a.time,
			ServerTime: now, Window: skew, Expires: a.time.Add(w)}
	}
	if at := a.time.Add(w); now.After(at) {
		return &Error{Kind: PresignExpired, Presigned: true, RequestTime: a.rawDate, Time: a.time,
			ServerTime: now, Window: w, Expires: at}
	}
	return nil
}

// s3Payload reads the payload hash of an S3 request into s.
func s3Payload(r *http.Request, a *auth, s *Signed) *Error {
	var h string
	if a.presigned {
		var ok bool
		if h, ok = a.param(qContentSHA256); !ok {
			h = UnsignedPayload
		}
	} else {
		vs := r.Header["X-Amz-Content-Sha256"]
		if len(vs) == 0 || vs[0] == "" {
			return &Error{Kind: MissingContentSHA256, AccessKeyID: a.accessKeyID}
		}
		h = vs[0]
	}
	s.PayloadHash = h
	switch h {
	case UnsignedPayload:
		s.Payload = PayloadUnsigned
	case StreamingPayload:
		s.Payload = PayloadStreaming
	case StreamingPayloadTrailer:
		s.Payload = PayloadStreamingTrailer
	case StreamingUnsignedPayloadTrailer:
		s.Payload = PayloadStreamingUnsignedTrailer
	default:
		if !isSHA256Hex(h) {
			return &Error{Kind: BadContentSHA256, Presigned: a.presigned, AccessKeyID: a.accessKeyID, ClaimedSHA256: h}
		}
		s.Payload = PayloadSHA256
	}
	return nil
}

// decodedLength reads x-amz-decoded-content-length, which the signed
// streaming payloads require; -1 when absent and allowed.
func decodedLength(r *http.Request, p Payload, presigned bool) (int64, *Error) {
	if p != PayloadStreamingUnsignedTrailer && r.ContentLength < 0 {
		// A signed aws-chunked body states its framed length, as S3 wants
		// (note 61).
		return -1, &Error{Kind: MissingDecodedLength, Presigned: presigned, Detail: "a signed aws-chunked body needs its Content-Length"}
	}
	v := r.Header.Get("X-Amz-Decoded-Content-Length")
	if v == "" {
		if p == PayloadStreamingUnsignedTrailer {
			return -1, nil
		}
		return -1, &Error{Kind: MissingDecodedLength, Presigned: presigned}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1, &Error{Kind: MissingDecodedLength, Presigned: presigned,
			Detail: "x-amz-decoded-content-length is not a length: " + v}
	}
	return n, nil
}

// promisedTrailers lists the names x-amz-trailer promises, lower-cased;
// nil when the header is absent.
func promisedTrailers(r *http.Request) []string {
	vs := r.Header.Values("X-Amz-Trailer")
	if len(vs) == 0 {
		return nil
	}
	var names []string
	for _, v := range vs {
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// headersSigned holds S3 to its rule that every x-amz-* header sent is
// signed.
func headersSigned(r *http.Request, a *auth) *Error {
	var missing []string
	for k := range r.Header {
		if len(k) < 6 || !strings.EqualFold(k[:6], "x-amz-") {
			continue
		}
		if !slices.ContainsFunc(a.signedHeaders, func(s string) bool { return strings.EqualFold(s, k) }) {
			missing = append(missing, strings.ToLower(k))
		}
	}
	if missing == nil {
		return nil
	}
	slices.Sort(missing)
	return &Error{Kind: HeadersNotSigned, Presigned: a.presigned, AccessKeyID: a.accessKeyID, Headers: missing}
}

// lookupError makes the Keys error an *Error about a's key.
func lookupError(err error, a *auth) *Error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Presigned = a.presigned
		if c.AccessKeyID == "" {
			c.AccessKeyID = a.accessKeyID
		}
		if c.Kind == InvalidToken || c.Kind == ExpiredToken {
			c.Token = a.token
		}
		return &c
	}
	return &Error{Kind: Internal, Presigned: a.presigned, AccessKeyID: a.accessKeyID, Err: err}
}

func (v *Verifier) readBody(r *http.Request, a *auth) ([]byte, *Error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := v.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	var b []byte
	if n := r.ContentLength; n >= 0 && n <= limit {
		// The usual case: read into a buffer of the declared size, and one
		// byte more to see the end.
		b = make([]byte, 0, n+1)
	}
	b, err := readAllInto(b, io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &Error{Kind: IncompleteBody, Presigned: a.presigned, AccessKeyID: a.accessKeyID, Err: err}
	}
	if int64(len(b)) > limit {
		return nil, &Error{Kind: BodyTooLarge, Presigned: a.presigned, AccessKeyID: a.accessKeyID}
	}
	return b, nil
}

// readAllInto is io.ReadAll appending to b.
func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	if b == nil {
		return io.ReadAll(r)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func bodyOf(r *http.Request) io.ReadCloser {
	if r.Body == nil {
		return http.NoBody
	}
	return r.Body
}

func isSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (rc readCloser) Close() error {
	if rc.c == nil {
		return nil
	}
	return rc.c.Close()
}

// hashedBody yields the body and, at its end, fails with
// ContentSHA256Mismatch if the bytes do not hash to want.
type hashedBody struct {
	r    io.ReadCloser
	h    hash.Hash
	want string
	err  error
}

func (b *hashedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	if err == io.ErrUnexpectedEOF {
		err = &Error{Kind: IncompleteBody, Err: err}
	}
	if err == io.EOF {
		var sum [sha256.Size]byte
		got := hex.EncodeToString(b.h.Sum(sum[:0]))
		if !strings.EqualFold(got, b.want) {
			err = &Error{Kind: ContentSHA256Mismatch, ClaimedSHA256: b.want, ComputedSHA256: got}
		}
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

func (b *hashedBody) Close() error { return b.r.Close() }
