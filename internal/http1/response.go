package http1

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// response is the http.ResponseWriter of one request. Its status line and
// headers go into the connection's write buffer as soon as the body's
// length is known: when the handler declares a Content-Length, or when it
// returns having written all its body. A body without a declared length
// that outgrows the buffer is sent chunked.
type response struct {
	c          *conn
	req        *http.Request
	body       *requestBody
	header     http.Header
	status     int   // 0 until the handler sets it
	head       bool  // the request is a HEAD: the answer's body is counted, not sent
	bodiless   bool  // the answer carries no body (HEAD, 204, 304)
	committed  bool  // the status line and headers are written
	length     int64 // the body's declared length; -1 when there is none
	written    int64 // body bytes taken from the handler
	chunked    bool
	closeAfter bool // the connection ends with this answer
	done       bool // the answer is out, its handler returned
}

var errAfterHandler = errors.New("http1: answer written after its handler returned")

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(status int) {
	if status < 100 || status > 999 {
		panic(fmt.Sprintf("http1: invalid status %d", status))
	}
	if w.status != 0 || status < 200 || w.done {
		return // a second status is ignored, as by net/http; 1xx are not sent
	}
	w.status = status
	w.bodiless = w.head || status == http.StatusNoContent || status == http.StatusNotModified
	if v, ok := w.header["Content-Length"]; ok {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if len(v) != 1 || err != nil || n < 0 {
			delete(w.header, "Content-Length")
		} else {
			w.length = n
		}
	}
	if w.length >= 0 {
		w.commit()
	}
}

func (w *response) Write(p []byte) (int, error) {
	if w.done {
		return 0, errAfterHandler
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch {
	case w.head:
		w.written += int64(len(p))
		return len(p), nil
	case w.bodiless:
		return 0, http.ErrBodyNotAllowed
	case w.length >= 0:
		if rest := w.length - w.written; int64(len(p)) > rest {
			n, _ := w.write(p[:rest])
			return n, http.ErrContentLength
		}
	case !w.committed:
		if len(w.c.held)+len(p) <= writeBufferSize {
			w.c.held = append(w.c.held, p...)
			w.written += int64(len(p))
			return len(p), nil
		}
		w.commit()
		if err := w.writeHeld(); err != nil {
			return 0, err
		}
	}
	return w.write(p)
}

// write sends p, as a chunk when the body is chunked.
func (w *response) write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.chunked {
		var size [18]byte
		w.c.w.Write(append(strconv.AppendUint(size[:0], uint64(len(p)), 16), '\r', '\n'))
	}
	n, err := w.c.w.Write(p)
	w.written += int64(n)
	if w.chunked && err == nil {
		_, err = w.c.w.WriteString("\r\n")
	}
	return n, err
}

// writeHeld sends the body kept back before the headers went.
func (w *response) writeHeld() error {
	held := w.c.held
	w.c.held = held[:0]
	w.written -= int64(len(held))
	_, err := w.write(held)
	return err
}

// ReadFrom lets io.Copy into the answer use a pooled buffer rather than a
// new 32 KiB one per call.
func (w *response) ReadFrom(src io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{w}, src, *buf)
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// Flush sends what the handler wrote so far.
func (w *response) Flush() {
	if w.done {
		return
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit()
		w.writeHeld()
	}
	w.c.w.Flush()
}

// finish completes the answer once the handler has returned.
func (w *response) finish() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		switch {
		case w.head && w.written > 0:
			w.length = w.written
		case !w.bodiless:
			w.length = int64(len(w.c.held))
		}
		if w.length >= 0 {
			w.header["Content-Length"] = []string{strconv.FormatInt(w.length, 10)}
		}
		w.commit()
		w.writeHeld()
	}
	if w.chunked {
		w.c.w.WriteString("0\r\n\r\n")
	}
	if !w.bodiless && w.length >= 0 && w.written < w.length {
		w.closeAfter = true // the client waits for bytes that will not come
	}
}

// commit writes the status line and headers.
func (w *response) commit() {
	w.committed = true
	h := w.header
	if !w.bodiless && w.length < 0 {
		delete(h, "Content-Length") // set after the status: too late to hold
		if w.req.ProtoAtLeast(1, 1) {
			w.chunked = true
			h["Transfer-Encoding"] = []string{"chunked"}
		} else {
			w.closeAfter = true // an HTTP/1.0 body without a length ends with the connection
		}
	}
	if w.body.leftUnsent(w.req) || w.c.srv.shuttingDown.Load() || closes(h["Connection"]) {
		w.closeAfter = true
	}
	if w.closeAfter {
		h["Connection"] = []string{"close"}
	}
	b := w.c.w
	if w.req.ProtoAtLeast(1, 1) {
		b.WriteString("HTTP/1.1 ")
	} else {
		b.WriteString("HTTP/1.0 ")
	}
	var code [3]byte
	b.Write(strconv.AppendInt(code[:0], int64(w.status), 10))
	b.WriteByte(' ')
	b.WriteString(http.StatusText(w.status))
	b.WriteString("\r\n")
	if _, ok := h["Date"]; !ok {
		b.WriteString("Date: ")
		b.WriteString(httpDate())
		b.WriteString("\r\n")
	}
	for k, vs := range h {
		if !validHeaderName(k) {
			continue // a name that could carry another header, dropped as by net/http
		}
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(": ")
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v) // no header splitting
			}
			b.WriteString(v)
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n")
}

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool { return name != "" && onlyChars(name, "!#$%&'*+-.^_`|~") }

// closes reports whether a handler's Connection header ends the connection.
func closes(connection []string) bool {
	for _, v := range connection {
		if strings.EqualFold(strings.TrimSpace(v), "close") {
			return true
		}
	}
	return false
}

// leftUnsent reports whether the client still holds back body bytes the
// server will not read: a body it was never asked to send (100 Continue),
// or what is left of one too long to read past its handler. Known when the
// headers go, it lets the answer say the connection will close. What is
// left of a chunked body is not known: drain tries it.
func (b *requestBody) leftUnsent(req *http.Request) bool {
	if b.sawEOF {
		return false
	}
	return b.sendContinue || req.ContentLength-b.read > maxPostHandlerRead
}

// httpDate is the Date header's value for now, formatted once a second.
func httpDate() string {
	now := time.Now()
	sec := now.Unix()
	if d := lastDate.Load(); d != nil && d.sec == sec {
		return d.text
	}
	d := &dateText{sec: sec, text: now.UTC().Format(http.TimeFormat)}
	lastDate.Store(d)
	return d.text
}

type dateText struct {
	sec  int64
	text string
}

var lastDate atomic.Pointer[dateText]
