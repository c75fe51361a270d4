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
	f, err := s.Open(w.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != body {
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

// A body that fails midway leaves no blob and no temporary file.
func TestPutFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(&failingReader{n: 100000}); err == nil {
		t.Fatal("Put of a failing body succeeded")
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
