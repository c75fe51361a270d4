// Package http1 serves HTTP/1.1 connections to an http.Handler, doing
// less work per request than net/http's server. trustgate's requests are
// small and many, and the CPU each one costs is a goal the server is held
// to (BENCHMARKS.md); net/http's server spends a good part of it on what
// trustgate does not use.
//
// Each connection is one goroutine that reads a request, runs the handler
// and writes the answer, in turn. Requests are parsed by net/http's own
// parser (http.ReadRequest). What is left out:
//
//   - the goroutine net/http keeps reading the connection while a handler
//     runs, to cancel the request's context when the client goes away: a
//     request's context here is the background one, and a handler learns
//     of a gone client when it writes;
//   - HTTP/2, hijacking and informational answers other than 100
//     Continue (a TLS listener's connections are served as HTTP/1.1, and
//     each request names its connection's TLS state);
//   - sniffing a Content-Type the handler did not set.
//
// An answer whose headers and body fit the connection's write buffer goes
// out in one write, where net/http's server needs two once they pass
// 4 KiB.
package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxHeaderBytes bounds a request's line and headers when
// Server.MaxHeaderBytes is zero: net/http's default.
const DefaultMaxHeaderBytes = 1 << 20

// Buffer sizes of a connection. The write buffer holds a small object's
// GetObject answer, headers and 4 KiB body, whole.
const (
	readBufferSize  = 4 << 10
	writeBufferSize = 8 << 10
)

// maxPostHandlerRead is how much of a body its handler left unread the
// server reads to keep the connection; past it, the connection is closed.
const maxPostHandlerRead = 256 << 10

// Server serves HTTP/1.1 to Handler. Its zero value, with a Handler,
// serves with no timeouts.
type Server struct {
	Handler http.Handler
	// ReadHeaderTimeout bounds reading a request's line and headers, from
	// its first byte on. Zero means no bound.
	ReadHeaderTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a connection
	// kept alive. Zero means no bound.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's line and headers; zero means
	// DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// ErrorLog receives the panics of handlers; nil discards them.
	ErrorLog *slog.Logger

	mu           sync.Mutex
	listeners    map[net.Listener]struct{}
	conns        map[*conn]struct{}
	shuttingDown atomic.Bool
}

// Serve accepts connections on ln and serves each on its own goroutine,
// until Shutdown; then it returns http.ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln) {
		return http.ErrServerClosed
	}
	defer s.untrack(ln)
	var delay time.Duration
	for {
		rwc, err := ln.Accept()
		if err != nil {
			if s.shuttingDown.Load() {
				return http.ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors and the like: wait, as net/http
			// does, rather than spin or give up.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.logError("accepting a connection", "err", err, "retry_in", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		c := s.newConn(rwc)
		if c == nil {
			rwc.Close()
			return http.ErrServerClosed
		}
		go c.serve()
	}
}

// Shutdown stops accepting connections, closes the idle ones and waits for
// the others to finish their request, or for ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shuttingDown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	wait := time.Millisecond
	for {
		if s.closeIdle() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// closeIdle closes the connections waiting for a request, and reports
// whether none are left.
func (s *Server) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		st := c.state.Load()
		if st == stateNew && time.Since(c.accepted) < newConnGrace {
			continue // its first request may be on its way
		}
		if (st == stateIdle || st == stateNew) && c.state.CompareAndSwap(st, stateClosing) {
			c.rwc.Close()
		}
	}
	return len(s.conns) == 0
}

func (s *Server) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrack(ln net.Listener) {
	s.mu.Lock()
	delete(s.listeners, ln)
	s.mu.Unlock()
}

func (s *Server) newConn(rwc net.Conn) *conn {
	c := &conn{srv: s, rwc: rwc, remoteAddr: rwc.RemoteAddr().String(), accepted: time.Now()}
	c.state.Store(stateNew)
	c.limited = limitedReader{r: rwc, n: math.MaxInt64}
	c.r = bufio.NewReaderSize(&c.limited, readBufferSize)
	c.w = bufio.NewWriterSize(rwc, writeBufferSize)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return nil
	}
	if s.conns == nil {
		s.conns = make(map[*conn]struct{})
	}
	s.conns[c] = struct{}{}
	return c
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) maxHeaderBytes() int64 {
	if s.MaxHeaderBytes > 0 {
		return int64(s.MaxHeaderBytes)
	}
	return DefaultMaxHeaderBytes
}

func (s *Server) logError(msg string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Error(msg, args...)
	}
}

// A connection's states. Shutdown closes idle ones, and new ones once
// they have had newConnGrace to send their first request; a connection
// claims itself active when a request's first byte arrives. Both sides
// swap the state, so exactly one of them wins a race.
const (
	stateNew int32 = iota
	stateIdle
	stateActive
	stateClosing
)

const newConnGrace = 5 * time.Second

// unreadGrace is how long a connection closed on a body it did not read
// goes on taking the client's bytes before it closes: closing at once
// would answer them with a reset, which can destroy the answer still on
// its way to the client. net/http waits as long.
const unreadGrace = 500 * time.Millisecond

// conn is one client connection.
type conn struct {
	srv        *Server
	rwc        net.Conn
	remoteAddr string
	accepted   time.Time
	state      atomic.Int32
	limited    limitedReader // rwc, bounded while a request's headers are read
	r          *bufio.Reader
	w          *bufio.Writer
	held       []byte // an answer's body kept back until its length is known
	tls        *tls.ConnectionState
}

func (c *conn) serve() {
	defer func() {
		if err := recover(); err != nil && err != http.ErrAbortHandler {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			c.srv.logError("handler panicked", "remote", c.remoteAddr, "panic", fmt.Sprint(err), "stack", string(buf))
		}
		c.rwc.Close()
		c.srv.forget(c)
	}()
	for first := true; ; first = false {
		if !c.awaitRequest(first) {
			return
		}
		c.limited.n = c.srv.maxHeaderBytes() + readBufferSize // the buffer reads ahead
		req, err := http.ReadRequest(c.r)
		tooLarge := c.limited.n <= 0
		c.limited.n = math.MaxInt64
		if err == nil {
			err = validate(req)
		}
		if err != nil {
			c.refuse(err, tooLarge)
			return
		}
		if c.srv.ReadHeaderTimeout > 0 || c.srv.IdleTimeout > 0 {
			c.rwc.SetReadDeadline(time.Time{}) // the body and the handler have no deadline
		}
		keep, unread := c.handle(req)
		if !keep {
			if unread {
				c.closeWriteAndWait()
			}
			return
		}
		if !c.state.CompareAndSwap(stateActive, stateIdle) || c.srv.shuttingDown.Load() {
			return
		}
	}
}

// closeWriteAndWait ends the sending side of a connection whose client
// may still be sending a body, and takes its bytes for unreadGrace.
func (c *conn) closeWriteAndWait() {
	if tc, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
	c.rwc.SetReadDeadline(time.Now().Add(unreadGrace))
	io.Copy(io.Discard, c.rwc)
}

// awaitRequest waits for the first byte of the next request and claims the
// connection active; false means the connection is done. A new
// connection's first request has ReadHeaderTimeout from the accept on,
// as with net/http; the next ones IdleTimeout to begin.
func (c *conn) awaitRequest(first bool) bool {
	wait := c.srv.IdleTimeout
	if first {
		wait = c.srv.ReadHeaderTimeout
	}
	if wait > 0 {
		c.rwc.SetReadDeadline(time.Now().Add(wait))
	}
	for {
		b, err := c.r.Peek(1)
		if err != nil {
			return false
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		c.r.Discard(1) // empty lines before a request line are ignored (RFC 9112, 2.2)
	}
	if c.srv.ReadHeaderTimeout > 0 && !first {
		c.rwc.SetReadDeadline(time.Now().Add(c.srv.ReadHeaderTimeout))
	}
	return c.state.CompareAndSwap(stateIdle, stateActive) || c.state.CompareAndSwap(stateNew, stateActive)
}

// handle runs the handler on req and finishes its answer. It reports
// whether the connection can carry another request and, when not,
// whether the client may still be sending a body nobody read.
func (c *conn) handle(req *http.Request) (keep, unread bool) {
	req.RemoteAddr = c.remoteAddr
	if tc, ok := c.rwc.(*tls.Conn); ok && c.tls == nil {
		state := tc.ConnectionState() // the handshake is done: the request was read
		c.tls = &state
	}
	req.TLS = c.tls
	w := &response{c: c, req: req, header: make(http.Header, 8), length: -1, head: req.Method == http.MethodHead,
		closeAfter: req.Close || req.ProtoMajor == 1 && req.ProtoMinor == 0 || c.srv.shuttingDown.Load()}
	body := &requestBody{src: req.Body, w: w, sawEOF: req.Body == http.NoBody}
	if _, expect := req.Header["Expect"]; expect && !body.sawEOF && req.ProtoAtLeast(1, 1) { // validate let only 100-continue through
		body.sendContinue = true
	}
	w.body, req.Body = body, body
	c.srv.Handler.ServeHTTP(w, req)
	w.finish()
	err := c.w.Flush()
	w.done = true // what the handler kept of w or the body now fails
	defer func() { body.src = nil }()
	switch {
	case err != nil:
		return false, false
	case w.closeAfter:
		return false, !body.sawEOF && !body.sendContinue
	}
	// The answer is out; what the handler left of the body goes before the
	// next request can be read.
	if !body.drain() {
		return false, true
	}
	return true, false
}

// refuse answers a request that could not be read, unless the client
// went away or was too slow, and ends the connection.
func (c *conn) refuse(err error, tooLarge bool) {
	status := http.StatusBadRequest
	var re *refusal
	var ne net.Error
	switch {
	case tooLarge:
		status = http.StatusRequestHeaderFieldsTooLarge
	case errors.As(err, &re):
		status = re.status
	case strings.Contains(err.Error(), "unsupported transfer encoding"): // net/http's own words
		status = http.StatusNotImplemented
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &ne) && ne.Timeout():
		return
	}
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	fmt.Fprintf(c.w, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		text, len(text), text)
	c.w.Flush()
}

// refusal is a request net/http's parser took that this server does not.
type refusal struct {
	status int
	reason string
}

func (r *refusal) Error() string { return r.reason }

// validate checks what net/http's server checks beyond its parser, which
// has already refused a second Host header and malformed header lines.
func validate(req *http.Request) error {
	if req.ProtoMajor != 1 {
		return &refusal{http.StatusHTTPVersionNotSupported, "unsupported protocol version " + req.Proto}
	}
	// http.ReadRequest drops the Host header once it has taken req.Host
	// from it or from an absolute-form request line, so an HTTP/1.1
	// request that names its host only in the line passes here, where
	// net/http's server (which reads the header itself) refuses it.
	switch {
	case req.Host == "" && req.ProtoMinor >= 1 && req.Method != http.MethodConnect:
		return &refusal{http.StatusBadRequest, "missing required Host header"}
	case !validHost(req.Host):
		return &refusal{http.StatusBadRequest, "malformed Host header"}
	}
	if e, ok := req.Header["Expect"]; ok && (len(e) != 1 || !strings.EqualFold(e[0], "100-continue")) {
		return &refusal{http.StatusExpectationFailed, "unsupported Expect header"}
	}
	return nil
}

// validHost accepts the characters a host, port or IPv6 literal is made
// of, as RFC 3986's authority allows them.
func validHost(h string) bool { return onlyChars(h, "!$&'()*+,-.:;=[]_~%") }

// onlyChars reports whether s is made of ASCII letters, digits and the
// bytes of extra.
func onlyChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte(extra, b) >= 0) {
			return false
		}
	}
	return true
}

// limitedReader reads from r until n bytes have been read, then reports
// io.EOF; the connection sets n while it reads a request's headers.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// requestBody is a request's body as the handler reads it: it asks a
// client that expects it to go on (100 Continue) at the first read, and
// notes when the body has been read to its end.
type requestBody struct {
	src          io.ReadCloser // nil once the handler has returned
	w            *response
	sendContinue bool
	sawEOF       bool
	read         int64 // bytes the handler has read
}

var errBodyAfterHandler = errors.New("http1: request body read after its handler returned")

func (b *requestBody) Read(p []byte) (int, error) {
	if b.src == nil {
		return 0, errBodyAfterHandler
	}
	if b.sendContinue {
		b.sendContinue = false
		if !b.w.committed {
			b.w.c.w.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := b.w.c.w.Flush(); err != nil {
				return 0, err
			}
		}
	}
	n, err := b.src.Read(p)
	b.read += int64(n)
	if err == io.EOF {
		b.sawEOF = true
	}
	return n, err
}

// Close leaves the body be: what is left of it is read, or the connection
// closed, once the handler returns.
func (b *requestBody) Close() error { return nil }

// drain reads what the handler left of the body, so that the connection
// can carry the next request, and reports whether it could. A body the
// client was never asked to send (100 Continue) is not waited for.
func (b *requestBody) drain() bool {
	if b.sawEOF {
		return true
	}
	if b.sendContinue {
		return false
	}
	_, err := io.CopyN(io.Discard, b.src, maxPostHandlerRead+1)
	if err == io.EOF {
		b.sawEOF = true
	}
	return b.sawEOF
}
