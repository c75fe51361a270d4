package secret_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustgate/trustgate/secret"
)

func sealer(t *testing.T, key []byte, purpose string) *secret.Sealer {
	t.Helper()
	s, err := secret.NewSealer(key, purpose)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, secret.KeySize)
	s := sealer(t, key, "access keys")
	sealed := s.Seal([]byte("wJalrXUtnFEMI/K7MDENG"))
	if bytes.Contains(sealed, []byte("wJalrXUtnFEMI")) {
		t.Fatal("sealed value holds the plaintext")
	}
	got, err := s.Open(sealed)
	if err != nil || string(got) != "wJalrXUtnFEMI/K7MDENG" {
		t.Fatalf("Open(Seal(x)) = %q, %v", got, err)
	}
	if bytes.Equal(s.Seal([]byte("x")), s.Seal([]byte("x"))) {
		t.Error("two seals of one value are equal; the nonce must be random")
	}
}

// Every altered byte, a truncation, another purpose or another key must
// fail to open.
func TestOpenRejects(t *testing.T) {
	key := bytes.Repeat([]byte{7}, secret.KeySize)
	s := sealer(t, key, "session tokens")
	sealed := s.Seal([]byte("session"))
	for i := range sealed {
		altered := bytes.Clone(sealed)
		altered[i] ^= 0x01
		if _, err := s.Open(altered); !errors.Is(err, secret.ErrOpen) {
			t.Fatalf("Open with byte %d altered = %v, want ErrOpen", i, err)
		}
	}
	if _, err := s.Open(sealed[:len(sealed)-1]); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("Open(truncated) = %v, want ErrOpen", err)
	}
	if _, err := s.Open(nil); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("Open(nil) = %v, want ErrOpen", err)
	}
	if _, err := sealer(t, key, "access keys").Open(sealed); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("Open for another purpose = %v, want ErrOpen", err)
	}
	other := bytes.Repeat([]byte{8}, secret.KeySize)
	if _, err := sealer(t, other, "session tokens").Open(sealed); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("Open with another key = %v, want ErrOpen", err)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	k1, err := secret.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	k2, err := secret.LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load = %x, %v; want the same key", k2, err)
	}
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secret.LoadOrCreateKey(path); err == nil {
		t.Error("a 5-byte key file was accepted")
	}
}
