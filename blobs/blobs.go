// Package blobs keeps the bodies of S3 objects as files in the data
// directory. A body is written to a temporary file, synced and renamed
// into place, and the directory synced, so that after a crash it is
// either whole or absent; only then does the store record the object that
// names it. Bodies stream: memory stays flat whatever their size.
package blobs

import (
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

// Written is a blob just written.
type Written struct {
	ID   string
	Size int64
	MD5  []byte
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
	n, err := io.Copy(io.MultiWriter(writers...), r)
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
