// Package jsonlog is slog's JSON handler, with a faster path for the
// records that make up nearly all of trustgate's log: one line per
// request, whose attributes are plain strings and numbers.
//
// Such a record is written by hand, byte for byte as slog.JSONHandler
// writes it (the tests hold the two to the same output); any other record
// (a group, an error, a string that needs escaping) goes to a
// slog.JSONHandler on the same writer. Under load the request line was a
// tenth of the server's CPU for a small call, most of it in the general
// handler's machinery.
package jsonlog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Handler is a slog.Handler writing JSON lines.
type Handler struct {
	out  *lockedWriter
	slow slog.Handler
}

// New returns a handler writing to w, at level Info and above.
func New(w io.Writer) *Handler {
	out := &lockedWriter{w: w}
	return &Handler{out: out, slow: slog.NewJSONHandler(out, nil)}
}

// lockedWriter makes each line one write, whichever path wrote it.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.slow.Enabled(ctx, level)
}

// WithAttrs implements slog.Handler; the handler it returns takes the
// general path.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.slow.WithAttrs(attrs) }

// WithGroup implements slog.Handler, like WithAttrs.
func (h *Handler) WithGroup(name string) slog.Handler { return h.slow.WithGroup(name) }

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	bp := buffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			buffers.Put(bp)
		}
	}()
	b, ok := appendRecord((*bp)[:0], r)
	*bp = b
	if !ok {
		return h.slow.Handle(ctx, r)
	}
	_, err := h.out.Write(b)
	return err
}

// appendRecord appends r as slog.JSONHandler would, and reports false for
// a record it leaves to that handler.
func appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	if !plain(r.Message) {
		return b, false
	}
	b = append(b, '{')
	if !r.Time.IsZero() {
		if y := r.Time.Year(); y < 0 || y >= 10000 {
			return b, false
		}
		b = append(b, `"time":"`...)
		b = r.Time.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":"`...)
	b = append(b, r.Level.String()...)
	b = append(b, `","msg":"`...)
	b = append(b, r.Message...)
	b = append(b, '"')
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if a.Equal(slog.Attr{}) {
			return true // slog drops empty attributes
		}
		if !plain(a.Key) {
			ok = false
			return false
		}
		v := a.Value
		b = append(b, `,"`...)
		b = append(b, a.Key...)
		b = append(b, `":`...)
		switch v.Kind() {
		case slog.KindString:
			if s := v.String(); plain(s) {
				b = append(b, '"')
				b = append(b, s...)
				b = append(b, '"')
				return true
			}
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
			return true
		case slog.KindDuration:
			b = strconv.AppendInt(b, int64(v.Duration()), 10)
			return true
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
			return true
		}
		ok = false
		return false
	})
	return append(b, '}', '\n'), ok
}

// plain reports whether s needs no escaping in JSON: printable ASCII
// without quotes or backslashes.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
