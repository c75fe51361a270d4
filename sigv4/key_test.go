package sigv4_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/trustgate/trustgate/sigv4"
)

func TestSigningKey(t *testing.T) {
	// The signing key of the IAM User Guide's SigV4 example.
	got := fmt.Sprintf("%x", sigv4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam"))
	const want = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
	if got != want {
		t.Errorf("SigningKey(example) = %s, want %s", got, want)
	}
}

func TestKeyCache(t *testing.T) {
	c := sigv4.NewKeyCache(8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				sec := fmt.Sprintf("secret-%d", (g*7+i)%20)
				k := c.Key(sec, "20261122", "us-east-1", "s3")
				if want := signingKey(sec, "20261122", "us-east-1", "s3"); !bytes.Equal(k, want) {
					t.Errorf("Key(%s) = %x, want %x", sec, k, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n > 16 {
		t.Errorf("Len() = %d after 20 distinct keys, want at most 16 (twice the size)", n)
	}
	a := c.Key("s", "20261122", "us-east-1", "s3")
	for _, other := range [][4]string{
		{"t", "20261122", "us-east-1", "s3"},
		{"s", "20261123", "us-east-1", "s3"},
		{"s", "20261122", "eu-west-1", "s3"},
		{"s", "20261122", "us-east-1", "sts"},
	} {
		if b := c.Key(other[0], other[1], other[2], other[3]); bytes.Equal(a, b) {
			t.Errorf("Key(%v) = Key(s, 20261122, us-east-1, s3)", other)
		}
	}
}
