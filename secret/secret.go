// Package secret seals data with the deployment's key: secret access keys
// at rest, and self-contained session tokens that any node holding the key
// can open without a database read.
//
// Sealing is AES-256-GCM with a random nonce; a sealed value that was
// altered in any byte, or sealed for another purpose, does not open.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// KeySize is the size of a deployment key in bytes.
const KeySize = 32

// ErrOpen is returned for a sealed value that does not open: altered,
// truncated, sealed with another key or for another purpose.
var ErrOpen = errors.New("sealed value does not open")

// Sealer seals and opens values for one purpose with a key derived from
// the deployment key, so that a value sealed for one purpose (a stored
// secret) cannot be passed off as another (a session token).
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives the key for purpose from the deployment key.
func NewSealer(key []byte, purpose string) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("deployment key is %d bytes, want %d", len(key), KeySize)
	}
	derived, err := hkdf.Key(sha256.New, key, nil, "trustgate "+purpose, KeySize)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(derived)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts and authenticates plaintext.
func (s *Sealer) Seal(plaintext []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("secret: no randomness: " + err.Error())
	}
	return s.aead.Seal(nonce, nonce, plaintext, nil)
}

// Open checks and decrypts a sealed value.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	plaintext, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
}

// LoadOrCreateKey reads the deployment key at path, creating it with mode
// 0600 when it does not exist yet.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) != KeySize {
			return nil, fmt.Errorf("%s holds %d bytes, want a %d-byte key; restore it from a backup, or start from an empty data directory", path, len(key), KeySize)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
