package jsonlog_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustgate/trustgate/internal/jsonlog"
)

// Every record, on the fast path or not, is written exactly as
// slog.JSONHandler writes it.
func TestSameOutputAsSlogJSON(t *testing.T) {
	at := time.Date(2026, 12, 1, 22, 4, 20, 123456789, time.UTC)
	east := time.FixedZone("east", 5*3600+30*60)
	records := []struct {
		name  string
		time  time.Time
		level slog.Level
		msg   string
		attrs []slog.Attr
	}{
		{"a request line", at, slog.LevelInfo, "request", []slog.Attr{
			slog.String("id", "5f0c2c1e-8a57-4b55-9a53-2a1f1e6a2b10"), slog.String("service", "sts"),
			slog.String("action", "GetCallerIdentity"), slog.String("caller", "arn:aws:iam::111111111111:root"),
			slog.Int("status", 200), slog.String("error", ""), slog.Duration("took", 123456*time.Nanosecond),
			slog.String("decision", "allow")}},
		{"a denial", at, slog.LevelInfo, "request", []slog.Attr{
			slog.String("decision", "deny"), slog.String("authorization", "AQID+/="), slog.Int("status", 403)}},
		{"no time", time.Time{}, slog.LevelWarn, "m", []slog.Attr{slog.Bool("ok", true), slog.Int64("n", -7)}},
		{"another zone, a whole second", time.Date(2026, 1, 2, 3, 4, 5, 0, east), slog.LevelError, "x", nil},
		{"a custom level", at, slog.LevelInfo + 2, "x", nil},
		{"an empty attribute", at, slog.LevelInfo, "x", []slog.Attr{{}, slog.String("", "v")}},
		{"strings to escape", at, slog.LevelInfo, "quote\"d", []slog.Attr{
			slog.String("k", "tab\tnew\nline <&> é \u2028 \x01 \xff back\\slash")}},
		{"a key to escape", at, slog.LevelInfo, "x", []slog.Attr{slog.String("k\"", "v")}},
		{"an error", at, slog.LevelError, "internal error", []slog.Attr{slog.String("id", "x"), slog.Any("err", errors.New("disk full"))}},
		{"a group", at, slog.LevelInfo, "x", []slog.Attr{slog.Group("g", slog.Int("a", 1))}},
		{"a float", at, slog.LevelInfo, "x", []slog.Attr{slog.Float64("f", 1.5)}},
		{"a time attribute", at, slog.LevelInfo, "x", []slog.Attr{slog.Time("t", at)}},
		{"a year past 9999", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "x", nil},
	}
	for _, c := range records {
		t.Run(c.name, func(t *testing.T) {
			var want, got bytes.Buffer
			for _, h := range []slog.Handler{slog.NewJSONHandler(&want, nil), jsonlog.New(&got)} {
				r := slog.NewRecord(c.time, c.level, c.msg, 0)
				r.AddAttrs(c.attrs...)
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want.String() {
				t.Errorf("jsonlog wrote\n%s\nslog.JSONHandler writes\n%s", got.String(), want.String())
			}
		})
	}
}

// Lines written at once by many goroutines, on both paths, stay whole.
func TestConcurrentLinesStayWhole(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(jsonlog.New(&out))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if i%2 == 0 {
					log.Info("request", "id", strings.Repeat("a", 300))
				} else {
					log.Error("failed", "err", errors.New(strings.Repeat("b", 300)))
				}
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1000 {
		t.Fatalf("%d lines, want 1000", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "{") || !strings.HasSuffix(l, "}") || len(l) < 300 {
			t.Fatalf("a torn line: %q", l)
		}
	}
}

// Levels below Info are left out, as slog.JSONHandler leaves them.
func TestLevel(t *testing.T) {
	var out bytes.Buffer
	slog.New(jsonlog.New(&out)).Debug("hidden")
	if out.Len() != 0 {
		t.Errorf("a Debug record was written: %s", out.String())
	}
}
