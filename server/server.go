// Package server is trustgate's HTTP front: one endpoint for every
// service. It gives each request an id, authenticates it with SigV4,
// routes it by the service of its credential scope, and logs one line per
// request. Paths under /_trustgate/ are trustgate's own (health).
package server

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/blobs"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/jsonrpc"
	"github.com/trustgate/trustgate/protocol/query"
	iamapi "github.com/trustgate/trustgate/service/iam"
	orgapi "github.com/trustgate/trustgate/service/organizations"
	s3api "github.com/trustgate/trustgate/service/s3"
	stsapi "github.com/trustgate/trustgate/service/sts"
	"github.com/trustgate/trustgate/session"
	"github.com/trustgate/trustgate/sigv4"
	"github.com/trustgate/trustgate/store"
)

// Server serves every service on one endpoint.
type Server struct {
	store    store.Store
	verifier *sigv4.Verifier
	log      *slog.Logger
	region   string
	issuer   *session.Issuer
	messages *authmsg.Codec // authorization messages of denials, in the log
	now      func() time.Time
	sts      *stsapi.Service
	iam      *iamapi.Service
	s3       *s3api.Service
	org      *orgapi.Service
}

// Config is what a Server is made of.
type Config struct {
	Store  store.Store
	Log    *slog.Logger
	Region string
	Blobs  *blobs.Store // the bodies of S3 objects
	Now    func() time.Time
	// Key is the deployment key, which seals session tokens.
	Key []byte
}

// New returns a server.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	checker := access.NewChecker(cfg.Store, cfg.Now)
	issuer, err := session.NewIssuer(cfg.Key)
	if err != nil {
		return nil, err
	}
	messages, err := authmsg.NewCodec(cfg.Key)
	if err != nil {
		return nil, err
	}
	s := &Server{
		store:    cfg.Store,
		log:      cfg.Log,
		region:   cfg.Region,
		issuer:   issuer,
		messages: messages,
		now:      cfg.Now,
		sts:      stsapi.New(cfg.Store, checker, issuer, messages, cfg.Now),
		iam:      iamapi.New(cfg.Store, checker, cfg.Now),
		s3:       s3api.New(cfg.Store, cfg.Blobs, checker, cfg.Now),
		org:      orgapi.New(cfg.Store, checker, cfg.Now),
	}
	s.verifier = sigv4.NewVerifier(sigv4.KeysFunc(s.key))
	s.verifier.Now = cfg.Now
	return s, nil
}

// ApplyLifecycle applies every bucket's lifecycle rules as of now, and
// returns how many objects, versions and uploads it removed.
func (s *Server) ApplyLifecycle(ctx context.Context, now time.Time) (int, error) {
	return s.s3.ApplyLifecycle(ctx, now)
}

// DeliverAccessLogs writes the S3 server access log records kept so far
// into their target buckets, as of now, and tells how many log objects
// it wrote.
func (s *Server) DeliverAccessLogs(ctx context.Context, now time.Time) (int, error) {
	return s.s3.DeliverAccessLogs(ctx, now)
}

// Replicate copies the S3 versions pending replication to their
// destinations, and tells how many it settled.
func (s *Server) Replicate(ctx context.Context) (int, error) {
	return s.s3.Replicate(ctx)
}

// ReplicationQueued receives once S3 versions to replicate were written.
func (s *Server) ReplicationQueued() <-chan struct{} {
	return s.s3.ReplicationQueued()
}

// key is the verifier's key lookup: a temporary key's secret from its
// session token, a long-term key's from the store. An unknown or inactive
// key is refused alike, as AWS does. The key's owner goes with it (the
// session's claims or the access key), for principal.
func (s *Server) key(ctx context.Context, accessKeyID, sessionToken string) (sigv4.Key, error) {
	if sessionToken != "" {
		claims, err := s.openToken(accessKeyID, sessionToken)
		if err != nil {
			return sigv4.Key{}, err
		}
		return sigv4.Key{Secret: claims.SecretAccessKey, Owner: claims}, nil
	}
	if strings.HasPrefix(accessKeyID, ids.TemporaryKey) {
		// A temporary key without its session token.
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.UnknownAccessKey}
	}
	k, err := s.store.AccessKey(ctx, accessKeyID)
	if errors.Is(err, trustgate.ErrNotFound) || (err == nil && k.Status != trustgate.KeyActive) {
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.UnknownAccessKey}
	}
	if err != nil {
		return sigv4.Key{}, err
	}
	return sigv4.Key{Secret: k.Secret, Owner: k}, nil
}

// openToken opens a session token presented with accessKeyID.
func (s *Server) openToken(accessKeyID, token string) (*session.Claims, error) {
	claims, err := s.issuer.Open(token, s.now())
	switch {
	case errors.Is(err, session.ErrExpired):
		return nil, &sigv4.Error{Kind: sigv4.ExpiredToken}
	case err != nil || claims.AccessKeyID != accessKeyID:
		return nil, &sigv4.Error{Kind: sigv4.InvalidToken}
	}
	return claims, nil
}

// principal resolves verified credentials to their caller, from the owner
// key found for them.
func (s *Server) principal(ctx context.Context, signed *sigv4.Signed) (*trustgate.Principal, error) {
	var k *trustgate.AccessKey
	switch owner := signed.Owner.(type) {
	case *session.Claims:
		return owner.Principal(), nil
	case *trustgate.AccessKey:
		k = owner
	default:
		return nil, fmt.Errorf("access key %s: verified without its owner (%T)", signed.AccessKeyID, signed.Owner)
	}
	p := &trustgate.Principal{AccessKeyID: k.ID}
	if k.IsRoot() {
		p.Caller = policy.Caller{Kind: policy.Root, Account: k.Account, ARN: arn.Root("aws", k.Account)}
		p.UserID = k.Account
		return p, nil
	}
	u, err := s.store.User(ctx, k.Account, k.UserName)
	if err != nil {
		return nil, fmt.Errorf("access key %s: %w", k.ID, err)
	}
	p.Caller = policy.Caller{Kind: policy.User, Account: k.Account, ARN: u.ARN()}
	p.UserID, p.UserName, p.Tags = u.ID, u.Name, u.Tags
	return p, nil
}

// logLine collects what the request log says about one request.
type logLine struct {
	service, action, caller string
	status                  int
	code                    string
	// authorization is the encoded authorization message of a denial.
	authorization string
	start         time.Time // when the request came
}

// logRequest writes the request's line. The record is made here rather
// than by Logger.LogAttrs, which would also look up the caller's program
// counter for nothing.
func (s *Server) logRequest(ctx context.Context, id string, start time.Time, line *logLine) {
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	record := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	attrs := [9]slog.Attr{
		slog.String("id", id), slog.String("service", line.service), slog.String("action", line.action),
		slog.String("caller", line.caller), slog.Int("status", line.status), slog.String("error", line.code),
		slog.Duration("took", now.Sub(start)),
	}
	n := 7
	switch {
	case line.authorization != "":
		attrs[7], attrs[8] = slog.String("decision", "deny"), slog.String("authorization", line.authorization)
		n = 9
	case line.status < 300:
		attrs[7] = slog.String("decision", "allow")
		n = 8
	}
	record.AddAttrs(attrs[:n]...) // at once: the record grows its storage once
	s.log.Handler().Handle(ctx, record)
}

// serviceByShape names the service of a request whose signature names
// none (it has no credential scope: unsigned, Signature Version 2, or
// malformed), so that its refusal comes in that service's protocol: a
// JSON call by its X-Amz-Target, S3 by what S3's requests look like, and
// "" (a Query service) otherwise.
func serviceByShape(r *http.Request) string {
	switch {
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), orgapi.TargetPrefix+"."):
		return "organizations"
	case s3api.IsS3Request(r):
		return "s3"
	}
	return ""
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newRequestID()
	line := &logLine{status: http.StatusOK, start: start}
	defer s.logRequest(r.Context(), id, start, line)
	if rest, ok := strings.CutPrefix(r.URL.Path, "/_trustgate/"); ok {
		s.serveOwn(w, rest, line)
		return
	}
	w.Header()["X-Amzn-Requestid"] = []string{id} // x-amzn-RequestId, in Go's canonical form
	if s3api.IsWebsiteRequest(r) {
		// A bucket's website serves browsers, anonymous whatever they send.
		s.serveS3(w, r, id, nil, anonymous, line, nil)
		return
	}
	signed, err := s.verifier.Verify(r)
	if kind, _ := sigv4.KindOf(err); kind == sigv4.MissingAuth && s3api.IsS3Request(r) {
		if s3api.IsPostObject(r) {
			s.servePostObject(w, r, id, line)
			return
		}
		// An unsigned S3 request is anonymous: policies decide it.
		s.serveS3(w, r, id, nil, anonymous, line, nil)
		return
	}
	if err != nil {
		service, ok := sigv4.ServiceOf(r)
		if !ok {
			service = serviceByShape(r)
		}
		line.service = service
		reply := sigv4.ReplyFor(err, service)
		if reply.Status >= 500 {
			s.log.Error("authenticating a request", "id", id, "err", err)
		}
		switch service {
		case "s3":
			line.status, line.code = reply.Status, reply.Code
			s.s3.RefuseAuthentication(r.Context(), w, r, id, reply, nil, line.start)
		case "organizations":
			line.status, line.code = reply.Status, reply.Code
			jsonrpc.WriteError(w, id, &jsonrpc.Error{Status: reply.Status, Type: reply.Code, Message: reply.Message})
		default:
			s.writeQueryError(w, id, namespaceOf(service), line, &query.Error{Status: reply.Status, Code: reply.Code, Message: reply.Message})
		}
		return
	}
	line.service = signed.Service
	principal, err := s.principal(r.Context(), signed)
	if err != nil {
		s.internalError(w, id, namespaceOf(signed.Service), line, err)
		return
	}
	line.caller = principal.ARN
	s.recordKeyUse(r.Context(), id, signed, principal)
	origin := access.Origin{RemoteAddr: r.RemoteAddr, SecureTransport: r.TLS != nil, Region: signed.Region}
	switch signed.Service {
	case "sts":
		s.serveQuery(w, r, id, stsapi.Namespace, signed, line, func(req *query.Request) (any, *query.Error) {
			return s.sts.Serve(r.Context(), &stsapi.Call{
				Principal: principal, Request: req, Origin: origin,
			})
		})
	case "iam":
		s.serveQuery(w, r, id, iamapi.Namespace, signed, line, func(req *query.Request) (any, *query.Error) {
			return s.iam.Serve(r.Context(), &iamapi.Call{
				Principal: principal, Request: req, Origin: origin,
			})
		})
	case "s3":
		s.serveS3(w, r, id, signed, principal, line, nil)
	case "organizations":
		s.serveJSON(w, r, id, orgapi.TargetPrefix, signed, line, func(req *jsonrpc.Request) (any, *jsonrpc.Error) {
			return s.org.Serve(r.Context(), &orgapi.Call{Principal: principal, Request: req, Origin: origin})
		})
	default:
		s.writeQueryError(w, id, namespaceOf(signed.Service), line, query.Errorf(http.StatusNotImplemented, "NotImplemented",
			"trustgate does not serve the %q service yet; it serves sts, iam, s3 and organizations", signed.Service))
	}
}

// verifiedBody is the body Verify read whole to hash it, when it is there
// and within max; otherwise the protocol reads the body itself, and
// answers one too large in its own words.
func verifiedBody(signed *sigv4.Signed, max int) ([]byte, bool) {
	body, whole := signed.HashedBody()
	return body, whole && len(body) <= max
}

// serveJSON decodes a JSON-protocol request for the service whose
// X-Amz-Target prefix is prefix, runs it with serve and writes the answer.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, id, prefix string, signed *sigv4.Signed, line *logLine,
	serve func(*jsonrpc.Request) (any, *jsonrpc.Error)) {
	fail := func(err *jsonrpc.Error) {
		line.status, line.code = err.Status, err.Type
		if err.Denial != nil {
			line.authorization = s.messages.Encode(err.Denial)
		}
		if err.Cause != nil {
			s.log.Error("request failed", "id", id, "code", err.Type, "err", err.Cause)
		}
		jsonrpc.WriteError(w, id, err)
	}
	body, ok := verifiedBody(signed, jsonrpc.MaxBodySize)
	var jerr *jsonrpc.Error
	if !ok {
		body, jerr = jsonrpc.ReadBody(signed.Body)
	}
	if jerr != nil {
		fail(jerr)
		return
	}
	req, jerr := jsonrpc.Decode(r, body, prefix)
	if jerr != nil {
		fail(jerr)
		return
	}
	line.action = req.Operation
	result, jerr := serve(req)
	if jerr != nil {
		fail(jerr)
		return
	}
	if err := jsonrpc.WriteResult(w, id, result); err != nil {
		s.log.Error("internal error", "id", id, "err", err)
		fail(jsonrpc.Errorf(http.StatusInternalServerError, "ServiceException", "AWS Organizations can't complete your request because of an internal service error."))
	}
}

// anonymous is the caller of an unsigned request.
var anonymous = &trustgate.Principal{Caller: policy.Caller{Kind: policy.Anonymous}, UserID: "anonymous"}

// servePostObject authenticates a browser upload form (S3's POST Object)
// by the signature of its policy, when it is signed, and has S3 serve it:
// a form without a signature is anonymous.
func (s *Server) servePostObject(w http.ResponseWriter, r *http.Request, id string, line *logLine) {
	line.service, line.action = "s3", r.Method+" "+r.URL.Path
	refuse := func(e *s3api.Error) {
		line.status, line.code = e.Status, e.Code
		s3api.WriteError(w, r, id, e)
	}
	form, ferr := s3api.ReadPostForm(r)
	if ferr != nil {
		refuse(ferr)
		return
	}
	auth, signedForm, aerr := form.Auth()
	if aerr != nil {
		refuse(aerr)
		return
	}
	if !signedForm {
		s.serveS3(w, r, id, nil, anonymous, line, form)
		return
	}
	signed, err := s.verifier.VerifyPost(r.Context(), auth)
	if err != nil {
		reply := sigv4.ReplyFor(err, "s3")
		if reply.Status >= 500 {
			s.log.Error("authenticating a form", "id", id, "err", err)
		}
		line.status, line.code = reply.Status, reply.Code
		s.s3.RefuseAuthentication(r.Context(), w, r, id, reply, form, line.start)
		return
	}
	principal, err := s.principal(r.Context(), signed)
	if err != nil {
		s.internalError(w, id, namespaceOf("s3"), line, err)
		return
	}
	s.recordKeyUse(r.Context(), id, signed, principal)
	s.serveS3(w, r, id, signed, principal, line, form)
}

// recordKeyUse notes when and where a long-term access key was last
// used (GetAccessKeyLastUsed).
func (s *Server) recordKeyUse(ctx context.Context, id string, signed *sigv4.Signed, principal *trustgate.Principal) {
	if principal.Temporary {
		return
	}
	use := trustgate.KeyUse{At: s.now(), Service: signed.Service, Region: signed.Region}
	if err := s.store.RecordAccessKeyUse(ctx, signed.AccessKeyID, use); err != nil && !errors.Is(err, trustgate.ErrNotFound) {
		s.log.Error("recording an access key's use", "id", id, "err", err)
	}
}

// serveS3 runs an S3 request, signed or anonymous (signed nil), with the
// browser upload form of a POST Object (nil for any other request).
func (s *Server) serveS3(w http.ResponseWriter, r *http.Request, id string, signed *sigv4.Signed, principal *trustgate.Principal, line *logLine, form *s3api.PostForm) {
	line.service, line.caller = "s3", principal.ARN
	if principal.Kind == policy.Anonymous {
		line.caller = "anonymous"
	}
	line.action = r.Method + " " + r.URL.Path
	region := s.region
	if signed != nil {
		region = signed.Region
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	call := &s3api.Call{
		Principal: principal, Signed: signed, Request: r, RequestID: id, Form: form,
		Origin: access.Origin{RemoteAddr: r.RemoteAddr, SecureTransport: r.TLS != nil, Region: region},
	}
	err := s.s3.Serve(r.Context(), rec, call)
	line.status = rec.status
	if call.Logged() {
		served := s3api.Served{Status: rec.status, Bytes: rec.bytes, Started: line.start, Answered: time.Since(line.start)}
		if !rec.wroteAt.IsZero() {
			served.FirstByte = rec.wroteAt.Sub(line.start)
		}
		if err != nil {
			served.ErrCode = err.Code
		}
		s.s3.RecordAccess(call, served)
	}
	if err != nil {
		line.code = err.Code
		if err.Cause != nil {
			s.log.Error("request failed", "id", id, "code", err.Code, "err", err.Cause)
		}
		if d := err.Denial(); d != nil {
			line.authorization = s.messages.Encode(d)
		}
	}
}

// statusRecorder remembers the status a handler wrote, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	bytes   int64     // of the body, for the access log
	wroteAt time.Time // when the answer's header went, for the access log
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.wroteAt = time.Now()
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.wroteAt.IsZero() {
		r.wroteAt = time.Now() // an answer of 200 begun without WriteHeader
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// ReadFrom passes io.Copy through to the connection's own ReadFrom, which
// copies with a pooled buffer instead of a new 32 KiB one.
func (r *statusRecorder) ReadFrom(src io.Reader) (n int64, err error) {
	if r.wroteAt.IsZero() {
		r.wroteAt = time.Now()
	}
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
	}
	r.bytes += n
	return n, err
}

// Unwrap gives http.ResponseController the writer underneath.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) serveOwn(w http.ResponseWriter, path string, line *logLine) {
	line.service = "trustgate"
	line.action = path
	switch path {
	case "health":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	default:
		line.status = http.StatusNotFound
		http.NotFound(w, nil)
	}
}

// serveQuery decodes a Query-protocol request, runs it with serve and
// writes the result or error in the service's namespace ns.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, id, ns string, signed *sigv4.Signed, line *logLine,
	serve func(*query.Request) (any, *query.Error)) {
	body, ok := verifiedBody(signed, query.MaxBodySize)
	var qerr *query.Error
	if !ok {
		body, qerr = query.ReadBody(signed.Body)
	}
	if qerr != nil {
		s.writeQueryError(w, id, ns, line, qerr)
		return
	}
	req, qerr := query.Decode(r, body)
	if qerr != nil {
		s.writeQueryError(w, id, ns, line, qerr)
		return
	}
	line.action = req.Action
	result, qerr := serve(req)
	if qerr != nil {
		s.writeQueryError(w, id, ns, line, qerr)
		return
	}
	if err := query.WriteResult(w, ns, req.Action, id, result); err != nil {
		s.internalError(w, id, ns, line, err)
	}
}

func (s *Server) writeQueryError(w http.ResponseWriter, id, ns string, line *logLine, err *query.Error) {
	line.status, line.code = err.Status, err.Code
	if err.Denial != nil {
		line.authorization = s.messages.Encode(err.Denial)
	}
	if err.Cause != nil {
		s.log.Error("request failed", "id", id, "code", err.Code, "err", err.Cause)
	}
	query.WriteError(w, ns, id, err)
}

// internalError logs the cause and answers with a generic InternalFailure.
func (s *Server) internalError(w http.ResponseWriter, id, ns string, line *logLine, err error) {
	s.log.Error("internal error", "id", id, "err", err)
	s.writeQueryError(w, id, ns, line, query.Errorf(http.StatusInternalServerError, "InternalFailure",
		"The request processing has failed because of an unknown error, exception or failure."))
}

// namespaceOf is the XML namespace of a Query service's documents.
func namespaceOf(service string) string {
	switch service {
	case "iam":
		return iamapi.Namespace
	}
	return stsapi.Namespace
}

// newRequestID returns a request id shaped like AWS's (a UUID, version
// 4). It need be unique, not secret: the runtime's fast random source
// serves, without the cost of crypto/rand on every request.
func newRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var id [36]byte
	hex.Encode(id[0:8], b[0:4])
	hex.Encode(id[9:13], b[4:6])
	hex.Encode(id[14:18], b[6:8])
	hex.Encode(id[19:23], b[8:10])
	hex.Encode(id[24:], b[10:])
	id[8], id[13], id[18], id[23] = '-', '-', '-', '-'
	return string(id[:])
}
