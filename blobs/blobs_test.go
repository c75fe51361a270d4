package blobs_test

import (
	"crypto/md5"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustgate/trustgate/blobs"
)

func TestPutOpenRemove(t *testing.T) {
	dir := t.TempDir()
	s, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("sunset ", 10000)
	sha := sha256.New()
	w, err := s.Put(strings.NewReader(body), sha)
	if err != nil {
		t.Fatal(err)
	}
	wantMD5 := md5.Sum([]byte(body))
	wantSHA := sha256.Sum256([]byte(body))
	if w.Size != int64(len(body)) || string(w.MD5) != string(wantMD5[:]) || string(sha.Sum(nil)) != string(wantSHA[:]) {
		t.Errorf("Put = %+v; want size %d and the body's hashes", w, len(body))
	}
	if got := readBlob(t, s, w.ID); got != body {
		t.Errorf("Open read %d bytes, want the %d put", len(got), len(body))
	}
	if err := s.Remove(w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(w.ID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open after Remove = %v, want not exist", err)
	}
	if err := s.Remove(w.ID); err != nil {
		t.Errorf("a second Remove = %v", err)
	}
	if _, err := s.Open("../../etc/passwd"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a path that is no blob id = %v", err)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection reset")
	}
	r.n -= len(p)
	return len(p), nil
}

// A body that fails midway leaves no blob and no temporary file, and its
// failure is told apart from the store's own.
func TestPutFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(&failingReader{n: 100000})
	var re *blobs.ReadError
	if !errors.As(err, &re) {
		t.Fatalf("Put of a failing body = %v; want a ReadError", err)
	}
	if _, err := s.PutSmall(&failingReader{n: 10}, 1<<10, -1); !errors.As(err, &re) {
		t.Errorf("PutSmall of a failing body = %v; want a ReadError", err)
	}
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("a failed Put left %v", files)
	}
}

// Sweep removes old temporary files and blobs no one names, never a blob
// in use nor one younger than the age given.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	s, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := s.Put(strings.NewReader("named by an object"))
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := s.Put(strings.NewReader("written, never recorded"))
	if err != nil {
		t.Fatal(err)
	}
	for _, torn := range []string{filepath.Join(dir, "tmp", "put-123"), filepath.Join(dir, kept.ID[:2], "tmp-456")} {
		if err := os.WriteFile(torn, []byte("torn"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inUse := func(id string) bool { return id == kept.ID }
	if n, err := s.Sweep(inUse, time.Hour, time.Now()); err != nil || n != 0 {
		t.Errorf("Sweep of young files = %d, %v; want none removed", n, err)
	}
	if n, err := s.Sweep(inUse, time.Hour, time.Now().Add(2*time.Hour)); err != nil || n != 3 {
		t.Errorf("Sweep two hours on = %d, %v; want the orphan and the two temporary files", n, err)
	}
	if f, err := s.Open(kept.ID); err != nil {
		t.Errorf("the blob in use is gone: %v", err)
	} else {
		f.Close()
	}
	if _, err := s.Open(orphan.ID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the orphan survived the sweep: %v", err)
	}
}

// PutSmall keeps a body of at most its limit in memory, whatever size was
// declared, and writes any longer one to a blob whole; the hashes cover
// every byte either way.
func TestPutSmall(t *testing.T) {
	dir := t.TempDir()
	s, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 10000
	for _, c := range []struct {
		name     string
		size     int
		declared int64
		inline   bool
	}{
		{"empty", 0, 0, true},
		{"small, declared", 4096, 4096, true},
		{"small, undeclared", 4096, -1, true},
		{"at the limit", limit, limit, true},
		{"at the limit, undeclared", limit, -1, true},
		{"one past the limit", limit + 1, limit + 1, false},
		{"one past the limit, undeclared", limit + 1, -1, false},
		{"longer than declared", limit + 5000, 100, false},
		{"large", 5 * limit, -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Repeat("x", c.size/2) + strings.Repeat("y", c.size-c.size/2)
			sha := sha256.New()
			w, err := s.PutSmall(strings.NewReader(body), limit, c.declared, sha)
			if err != nil {
				t.Fatal(err)
			}
			wantMD5, wantSHA := md5.Sum([]byte(body)), sha256.Sum256([]byte(body))
			if w.Size != int64(c.size) || string(w.MD5) != string(wantMD5[:]) || string(sha.Sum(nil)) != string(wantSHA[:]) {
				t.Errorf("PutSmall = size %d; want %d and the body's hashes", w.Size, c.size)
			}
			if c.inline {
				if w.ID != "" || string(w.Inline) != body {
					t.Errorf("PutSmall wrote blob %q and kept %d bytes; want the body kept, no blob", w.ID, len(w.Inline))
				}
				return
			}
			if w.Inline != nil {
				t.Fatalf("PutSmall kept %d bytes in memory; want a blob", len(w.Inline))
			}
			if got := readBlob(t, s, w.ID); got != body {
				t.Errorf("the blob holds %d bytes, want the %d put", len(got), len(body))
			}
		})
	}
}

// A body that fails, short or long, is an error from PutSmall, never a
// short object.
func TestPutSmallFailure(t *testing.T) {
	s, err := blobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{100, 100000} {
		if w, err := s.PutSmall(&failingReader{n: n}, 10000, -1); err == nil {
			t.Errorf("PutSmall of a body failing after %d bytes = %+v, want its error", n, w)
		}
	}
}

func readBlob(t *testing.T, s *blobs.Store, id string) string {
	t.Helper()
	f, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
