// Package tlscert gives trustgate's HTTPS listener its certificate: the
// one its operator names, or one it makes for itself and keeps, which
// clients trust by naming it as their CA bundle (AWS_CA_BUNDLE).
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// The files of a certificate trustgate made, in its directory.
const (
	CertFile = "cert.pem"
	KeyFile  = "key.pem"
)

// Config is the TLS configuration of a listener serving cert: TLS 1.2 at
// least, as S3 requires, and HTTP/1.1, all trustgate speaks.
func Config(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}

// Load reads the certificate and key an operator named.
func Load(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return cert, fmt.Errorf("loading the TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// SelfSigned returns the certificate kept in dir, made for hosts (names
// and addresses) when dir has none, or none valid for them all. Its path
// is the CA bundle a client trusts it by.
func SelfSigned(dir string, hosts []string, now time.Time) (cert tls.Certificate, certPath string, err error) {
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	if cert, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil && covers(cert, hosts, now) {
		return cert, certPath, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return cert, "", fmt.Errorf("reading the TLS certificate in %s: %w (remove %s and %s to make a new one)", dir, err, certPath, keyPath)
	}
	certPEM, keyPEM, err := generate(hosts, now)
	if err != nil {
		return cert, "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cert, "", err
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return cert, "", err
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return cert, "", err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPath, err
}

// covers tells whether cert is valid at now, and for a week more, for
// every one of hosts.
func covers(cert tls.Certificate, hosts []string, now time.Time) bool {
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil || now.Before(leaf.NotBefore) || now.Add(7*24*time.Hour).After(leaf.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// generate makes a self-signed certificate for hosts, valid for ten
// years, which is its own CA, and its key.
func generate(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"trustgate"}, CommonName: "trustgate"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if !slices.Contains(tmpl.DNSNames, h) {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}
