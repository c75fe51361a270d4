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
// Nothing is left behind when it fails.
func (s *Store) Put(r io.Reader, also ...hash.Hash) (*Written, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
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
	id := newID()
	path := s.path(id)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
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
