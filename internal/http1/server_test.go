package http1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// start serves h on a loopback port and returns its address; the server
// is shut down when the test ends.
func start(t testing.TB, h http.Handler) (string, *Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
	})
	return ln.Addr().String(), s
}

// rawConn is a client connection that writes requests byte for byte.
type rawConn struct {
	t *testing.T
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, Conn: c, r: bufio.NewReader(c)}
}

func (c *rawConn) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		c.t.Fatal(err)
	}
}

// answer reads one response to a request of method and its body.
func (c *rawConn) answer(method string) (*http.Response, string) {
	c.t.Helper()
	resp, err := http.ReadResponse(c.r, &http.Request{Method: method})
	if err != nil {
		c.t.Fatalf("reading the answer: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading the answer's body: %v", err)
	}
	return resp, string(body)
}

// closed reports whether the server has closed the connection.
func (c *rawConn) closed() bool {
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := c.r.ReadByte()
	return errors.Is(err, io.EOF)
}

var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
})

func TestKeepAliveWithGoClient(t *testing.T) {
	var mu sync.Mutex
	remotes := map[string]bool{}
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr] = true
		mu.Unlock()
		echo(w, r)
	}))
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	for i := range 3 {
		resp, err := client.Post("http://"+addr+"/p?x=1", "text/plain", strings.NewReader(fmt.Sprint("body", i)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprint("POST /p?x=1 body", i); string(body) != want {
			t.Errorf("body %q, want %q", body, want)
		}
		if resp.ContentLength != int64(len(body)) || resp.Header.Get("Date") == "" {
			t.Errorf("Content-Length %d and Date %q: a short answer should carry both", resp.ContentLength, resp.Header.Get("Date"))
		}
	}
	if len(remotes) != 1 {
		t.Errorf("three requests came over %d connections, want one kept alive", len(remotes))
	}
}

func TestPipelinedRequests(t *testing.T) {
	addr, _ := start(t, echo)
	c := dial(t, addr)
	c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none" +
		"GET /b HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nth\r\n3\r\nree\r\n0\r\n\r\n")
	for _, want := range []string{"POST /a one", "GET /b ", "POST /c three"} {
		if _, body := c.answer(""); body != want {
			t.Errorf("answer %q, want %q", body, want)
		}
	}
}

func TestLongAnswerWithoutLengthIsChunked(t *testing.T) {
	long := strings.Repeat("0123456789", 3000)
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(long); i += 1000 {
			io.WriteString(w, long[i:i+1000])
		}
	}))
	c := dial(t, addr)
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	for range 2 {
		resp, body := c.answer(http.MethodGet)
		if body != long || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
			t.Errorf("answer of %d bytes, transfer encoding %v; want %d bytes, chunked", len(body), resp.TransferEncoding, len(long))
		}
	}
}

func TestDeclaredLength(t *testing.T) {
	var writeErr error
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		switch r.URL.Path {
		case "/exact":
			io.WriteString(w, "hello")
		case "/long":
			_, writeErr = io.WriteString(w, "hello world")
		case "/short":
			io.WriteString(w, "hi")
		}
	}))
	c := dial(t, addr)
	c.send("GET /exact HTTP/1.1\r\nHost: x\r\n\r\nGET /long HTTP/1.1\r\nHost: x\r\n\r\n")
	for range 2 {
		if _, body := c.answer(http.MethodGet); body != "hello" {
			t.Errorf("body %q, want the declared 5 bytes", body)
		}
	}
	if !errors.Is(writeErr, http.ErrContentLength) {
		t.Errorf("writing past the declared length returned %v, want http.ErrContentLength", writeErr)
	}
	c.send("GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if body, err := io.ReadAll(resp.Body); err == nil {
		t.Errorf("an answer shorter than its length read as %q without error; the connection should close", body)
	}
}

func TestHeadAnswersCarryNoBody(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", "10")
		}
		io.WriteString(w, "0123456789")
	}))
	c := dial(t, addr)
	c.send("HEAD /declared HTTP/1.1\r\nHost: x\r\n\r\nHEAD /written HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
	for range 2 {
		resp, body := c.answer(http.MethodHead)
		if resp.ContentLength != 10 || body != "" {
			t.Errorf("HEAD answered Content-Length %d and body %q, want 10 and none", resp.ContentLength, body)
		}
	}
	if _, body := c.answer(http.MethodGet); body != "0123456789" {
		t.Errorf("the GET after two HEADs got %q", body)
	}
}

func TestNoContentAnswers(t *testing.T) {
	var writeErr error
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		_, writeErr = io.WriteString(w, "x")
	}))
	c := dial(t, addr)
	c.send("DELETE / HTTP/1.1\r\nHost: x\r\n\r\nDELETE / HTTP/1.1\r\nHost: x\r\n\r\n")
	for range 2 {
		if resp, body := c.answer(http.MethodDelete); resp.StatusCode != http.StatusNoContent || body != "" || resp.Header.Get("Content-Length") != "" {
			t.Errorf("answer %d %q with Content-Length %q, want 204 with neither", resp.StatusCode, body, resp.Header.Get("Content-Length"))
		}
	}
	if !errors.Is(writeErr, http.ErrBodyNotAllowed) {
		t.Errorf("a body under 204 was taken (%v)", writeErr)
	}
}

func TestExpectContinue(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/refuse" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		echo(w, r)
	}))
	c := dial(t, addr)
	c.send("PUT /take HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	if resp, _ := c.answer(http.MethodPut); resp.StatusCode != http.StatusContinue {
		t.Fatalf("first answer %d, want 100 Continue before the body is sent", resp.StatusCode)
	}
	c.send("data")
	if _, body := c.answer(http.MethodPut); body != "PUT /take data" {
		t.Errorf("answer %q", body)
	}

	c = dial(t, addr)
	c.send("PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	resp, _ := c.answer(http.MethodPut)
	if resp.StatusCode != http.StatusForbidden || !resp.Close {
		t.Errorf("answer %d (close %v), want 403 and the connection closed, the body never asked for", resp.StatusCode, resp.Close)
	}
	if !c.closed() {
		t.Error("the connection stayed open with a body never asked for")
	}
}

func TestUnreadBodies(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ignored")
	}))
	c := dial(t, addr)
	small := strings.Repeat("s", 1000)
	c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + small + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
	for range 2 {
		if _, body := c.answer(http.MethodPost); body != "ignored" {
			t.Errorf("answer %q after a small body left unread", body)
		}
	}

	c = dial(t, addr)
	c.send(fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 10<<20))
	if resp, _ := c.answer(http.MethodPost); !resp.Close {
		t.Error("an answer leaving 10 MiB of body unread should close the connection")
	}
}

// What counts is what the handler left of a body, not its length: the
// rest of a long body read nearly to its end is read and thrown away.
func TestLongBodyReadNearlyToItsEnd(t *testing.T) {
	const length, left = 1 << 20, 1000
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == length {
			io.CopyN(io.Discard, r.Body, length-left)
		}
		io.WriteString(w, "read")
	}))
	c := dial(t, addr)
	go io.WriteString(c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", length)+strings.Repeat("b", length)+
		"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
	for i := range 2 {
		if resp, body := c.answer(http.MethodPost); body != "read" || resp.Close && i == 0 {
			t.Fatalf("answer %d: %q, close %v; want the connection kept for the next request", i, body, resp.Close)
		}
	}
}

func TestRefusedRequests(t *testing.T) {
	addr, _ := start(t, echo)
	for _, tc := range []struct {
		name, request string
		status        int
	}{
		{"garbage", "NOT HTTP\r\n\r\n", http.StatusBadRequest},
		{"no host", "GET / HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", http.StatusBadRequest},
		{"bad host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", http.StatusBadRequest},
		{"bad length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", http.StatusBadRequest},
		{"bad encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", http.StatusNotImplemented},
		{"version", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"expectation", "GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", http.StatusExpectationFailed},
		{"huge headers", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", DefaultMaxHeaderBytes+8192) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, addr)
			go io.WriteString(c, tc.request) // the server may answer before reading it all
			resp, _ := c.answer(http.MethodGet)
			if resp.StatusCode != tc.status || !resp.Close {
				t.Errorf("answer %d (close %v), want %d and the connection closed", resp.StatusCode, resp.Close, tc.status)
			}
		})
	}
}

func TestHTTP10ClosesAfterAnswer(t *testing.T) {
	addr, _ := start(t, echo)
	c := dial(t, addr)
	c.send("GET /old HTTP/1.0\r\n\r\n")
	resp, body := c.answer(http.MethodGet)
	if resp.ProtoMinor != 0 || body != "GET /old " || !c.closed() {
		t.Errorf("HTTP/1.0 answer %s %q; want an HTTP/1.0 answer and the connection closed", resp.Proto, body)
	}
}

func TestAnswerHeadersCannotSplit(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Echo"] = []string{r.URL.Query().Get("v")}
		w.Header()["X-Bad\r\nSet-Cookie"] = []string{"evil"}
	}))
	c := dial(t, addr)
	c.send("GET /?v=a%0d%0aSet-Cookie:%20evil HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, _ := c.answer(http.MethodGet)
	if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("X-Echo") != "a  Set-Cookie: evil" {
		t.Errorf("headers %v: a line break in a value or a name made a header", resp.Header)
	}
}

func TestPanicClosesOnlyItsConnection(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("handler bug")
		}
		echo(w, r)
	}))
	c := dial(t, addr)
	c.send("GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")
	if !c.closed() {
		t.Error("a panicking handler's connection stayed open")
	}
	c = dial(t, addr)
	c.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := c.answer(http.MethodGet); body != "GET /fine " {
		t.Errorf("after a panic the server answered %q", body)
	}
}

func TestShutdownWaitsForRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		io.WriteString(w, "done")
	})}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	addr := ln.Addr().String()

	idle := dial(t, addr)
	idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	idle.answer(http.MethodGet)
	busy := dial(t, addr)
	busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered

	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background()) }()
	if !idle.closed() {
		t.Error("Shutdown left an idle connection open")
	}
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	resp, body := busy.answer(http.MethodGet)
	if body != "done" || !resp.Close {
		t.Errorf("the request in flight got %q (close %v), want its answer and the connection closed", body, resp.Close)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after Shutdown")
	}
}

func TestIdleConnectionsTimeOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: echo, IdleTimeout: 50 * time.Millisecond, ReadHeaderTimeout: 50 * time.Millisecond}
	go s.Serve(ln)
	defer s.Shutdown(context.Background())
	c := dial(t, ln.Addr().String())
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	c.answer(http.MethodGet)
	if !c.closed() {
		t.Error("an idle connection outlived IdleTimeout")
	}
	c = dial(t, ln.Addr().String())
	c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na\r\n") // an empty line after the body
	c.answer(http.MethodPost)
	if !c.closed() {
		t.Error("an empty line after a request kept its connection past IdleTimeout")
	}
	c = dial(t, ln.Addr().String())
	if !c.closed() {
		t.Error("a connection that never sends a request outlived ReadHeaderTimeout")
	}
	c = dial(t, ln.Addr().String())
	c.send("GET / HTTP/1.1\r\nHost: x\r\n") // headers never finished
	if !c.closed() {
		t.Error("a request whose headers never end outlived ReadHeaderTimeout")
	}
}

func TestHandlerCanCloseTheConnection(t *testing.T) {
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	}))
	c := dial(t, addr)
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := c.answer(http.MethodGet); body != "bye" || !resp.Close || !c.closed() {
		t.Errorf("answer %q (close %v): a handler's Connection: close should end the connection", body, resp.Close)
	}
}

func TestNothingOutlivesItsHandler(t *testing.T) {
	kept := make(chan *http.Request, 1)
	var keptWriter http.ResponseWriter
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keep" {
			keptWriter = w
			kept <- r
			return
		}
		echo(w, r)
	}))
	c := dial(t, addr)
	c.send("POST /keep HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n")
	c.answer(http.MethodPost)
	old := <-kept
	c.send("old")
	c.send("POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nSECRET")
	if _, body := c.answer(http.MethodPost); body != "POST /next SECRET" {
		t.Errorf("the next request got %q", body)
	}
	if n, err := old.Body.Read(make([]byte, 16)); n != 0 || err == nil {
		t.Errorf("a body kept past its handler read %d bytes (%v), want an error", n, err)
	}
	if _, err := io.WriteString(keptWriter, "late"); err == nil {
		t.Error("a writer kept past its handler took a write")
	}
}

func TestLengthSetTooLateIsDropped(t *testing.T) {
	long := strings.Repeat("z", 3*writeBufferSize)
	addr, _ := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, long)
	}))
	c := dial(t, addr)
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := c.answer(http.MethodGet)
	if body != long || resp.Header.Get("Content-Length") != "" {
		t.Errorf("answer of %d bytes with Content-Length %q; want the whole body, chunked, without a length",
			len(body), resp.Header.Get("Content-Length"))
	}
}

func TestShutdownSparesNewConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: echo}
	go s.Serve(ln)
	c := dial(t, ln.Addr().String())
	time.Sleep(50 * time.Millisecond) // accepted, its request not yet sent
	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background()) }()
	time.Sleep(50 * time.Millisecond)
	c.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := c.answer(http.MethodGet); body != "GET /late " || !resp.Close {
		t.Errorf("a connection accepted before Shutdown got %q (close %v), want its answer and the connection closed", body, resp.Close)
	}
	if err := <-shutdown; err != nil {
		t.Error(err)
	}
}
