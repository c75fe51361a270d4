package tlscert

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A certificate made once is kept and served again; one that does not
// cover the hosts asked for, or is about to expire, is made anew.
func TestSelfSigned(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	hosts := []string{"localhost", "*.localhost", "127.0.0.1"}
	first, path, err := SelfSigned(dir, hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(first.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"localhost", "photos.localhost", "127.0.0.1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("the certificate does not cover %s: %v", h, err)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v, %v; want mode 0600", info, err)
	}
	// It is its own CA: trusting the file verifies it.
	pem, _ := os.ReadFile(path)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost", CurrentTime: now}); err != nil {
		t.Errorf("the certificate does not verify against itself: %v", err)
	}

	again, _, err := SelfSigned(dir, hosts, now.Add(24*time.Hour))
	if err != nil || !bytes.Equal(again.Certificate[0], first.Certificate[0]) {
		t.Errorf("a second start made a new certificate (%v)", err)
	}
	other, _, err := SelfSigned(dir, append(hosts, "10.0.0.7"), now)
	if err != nil || bytes.Equal(other.Certificate[0], first.Certificate[0]) {
		t.Errorf("a start on another address kept a certificate that does not cover it (%v)", err)
	}
	late, _, err := SelfSigned(dir, append(hosts, "10.0.0.7"), now.AddDate(10, 0, -1))
	if err != nil || bytes.Equal(late.Certificate[0], other.Certificate[0]) {
		t.Errorf("a certificate about to expire was kept (%v)", err)
	}
}
