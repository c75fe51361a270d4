// Package blobs keeps the bodies of S3 objects as files in the data
// directory. A body is written to a temporary file, synced and renamed
// into place, and the directory synced, so that after a crash it is
// either whole or absent; only then does the store record the object that
// names it. Bodies stream: memory stays flat whatever their size.
package blobs

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Store is a directory of blobs.
type Store struct {
	dir string
}

// Open returns the blob store in dir, creating it.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob directory: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Written is a blob just written, or a body kept in memory instead.
type Written struct {
	ID   string // "" for a body kept in memory
	Size int64
	MD5  []byte
	// Inline is the body PutSmall kept in memory, for the caller to store
	// with its record; nil when the body went to a blob.
	Inline []byte
}

// PutSmall reads r like Put, except that a body of at most limit bytes is
// not written to a file but returned in Written.Inline: a small object is
// cheaper to keep in the database row that names it, where it is
// committed with the row, than in a file of its own (a file creation, a
// rename and two syncs). size is the body's declared length, -1 when
// unknown; memory stays bounded by limit.
func (s *Store) PutSmall(r io.Reader, limit int, size int64, also ...hash.Hash) (*Written, error) {
	if size > int64(limit) {
		return s.Put(r, also...)
	}
	initial := 4 << 10
	if size >= 0 {
		initial = int(size) + 1 // one more, to see the end
	}
	head := make([]byte, 0, min(initial, limit+1))
	for {
		if len(head) == cap(head) {
			if len(head) > limit {
				// Longer than limit: a blob, starting with what was read.
				return s.Put(io.MultiReader(bytes.NewReader(head), r), also...)
			}
			grown := make([]byte, len(head), min(2*cap(head), limit+1))
			copy(grown, head)
			head = grown
		}
		n, err := bodyReader{r}.Read(head[len(head):cap(head)])
		head = head[:len(head)+n]
		if err == io.EOF { // the whole body, within limit
			sum := md5.Sum(head)
			for _, h := range also {
				h.Write(head)
			}
			return &Written{Size: int64(len(head)), MD5: sum[:], Inline: head}, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Put writes r to a new blob, hashing it with MD5 and with each of also.
// Nothing is left behind when it fails. The temporary file is made in the
// blob's own directory, one of 256, so that concurrent writers do not all
// contend for one directory.
func (s *Store) Put(r io.Reader, also ...hash.Hash) (*Written, error) {
	id := newID()
	path := s.path(id)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	sum := md5.New()
	writers := []io.Writer{tmp, sum}
	for _, h := range also {
		writers = append(writers, h)
	}
	n, err := io.Copy(io.MultiWriter(writers...), bodyReader{r})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return &Written{ID: id, Size: n, MD5: sum.Sum(nil)}, nil
}

// ReadError is a failure to read the body being stored, as opposed to a
// failure of the store's own: the client's fault, or its connection's.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "reading the body: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// bodyReader reports its reader's failures as ReadErrors.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = &ReadError{err}
	}
	return n, err
}

// tmpPrefix starts the names of blobs being written.
const tmpPrefix = "tmp-"

// Open opens a blob for reading.
func (s *Store) Open(id string) (*os.File, error) {
	if !validID(id) {
		return nil, fmt.Errorf("blob %q: %w", id, os.ErrNotExist)
	}
	return os.Open(s.path(id))
}

// Remove deletes a blob; removing one that is gone is not an error.
func (s *Store) Remove(id string) error {
	if !validID(id) {
		return nil
	}
	err := os.Remove(s.path(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// path spreads blobs over 256 directories by their first two characters.
func (s *Store) path(id string) string {
	return filepath.Join(s.dir, id[:2], id)
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Sweep removes what a crash can leave behind: temporary files (in the
// blob directories, or in tmp/ where earlier versions wrote them), and blobs
// that no object or part names (written, but the store never recorded
// them). Only files older than minAge go, so that a write in progress, not
// yet recorded, is never taken for an orphan. It returns how many files it
// removed.
func (s *Store) Sweep(inUse func(id string) bool, minAge time.Duration, now time.Time) (int, error) {
	removed := 0
	old := func(path string) bool {
		fi, err := os.Stat(path)
		return err == nil && now.Sub(fi.ModTime()) >= minAge
	}
	tmps, err := os.ReadDir(filepath.Join(s.dir, "tmp"))
	if err != nil {
		return 0, err
	}
	for _, e := range tmps {
		if p := filepath.Join(s.dir, "tmp", e.Name()); old(p) && os.Remove(p) == nil {
			removed++
		}
	}
	dirs, err := os.ReadDir(s.dir)
	if err != nil {
		return removed, err
	}
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, d.Name()))
		if err != nil {
			return removed, err
		}
		for _, f := range files {
			name := f.Name()
			p := filepath.Join(s.dir, d.Name(), name)
			orphan := validID(name) && !inUse(name)
			if (orphan || strings.HasPrefix(name, tmpPrefix)) && old(p) && os.Remove(p) == nil {
				removed++
			}
		}
	}
	return removed, nil
}
