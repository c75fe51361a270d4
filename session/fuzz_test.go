package session_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"testing"

	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/session"
)

// FuzzOpen: no token, however malformed, panics Open, and Open fails only
// with ErrInvalid or ErrExpired.
func FuzzOpen(f *testing.F) {
	is := issuer(f, key)
	for _, tok := range tokens(f, is) {
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(tok[1:])
	}
	for _, s := range []string{"", "A", "AQ", "AQAA", "====", "IQoJb3JpZ2luX2VjEOz", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := is.Open(tok, t0)
		if err != nil && !errors.Is(err, session.ErrInvalid) && !errors.Is(err, session.ErrExpired) {
			t.Fatalf("Open(%q) = %v, want ErrInvalid or ErrExpired", tok, err)
		}
		if (err == nil) != (c != nil) {
			t.Fatalf("Open(%q) = %v, %v", tok, c, err)
		}
	})
}

// FuzzOpenSealed reaches behind the seal: any plaintext, sealed with the
// right key, must not panic Open (version, codec, DEFLATE, body, claims).
func FuzzOpenSealed(f *testing.F) {
	is := issuer(f, key)
	sealer, err := secret.NewSealer(key, "session tokens")
	if err != nil {
		f.Fatal(err)
	}
	for _, tok := range tokens(f, is) {
		b, _ := base64.RawURLEncoding.DecodeString(tok)
		plain, err := sealer.Open(b[1:])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(plain)
	}
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 1, 0xff})
	f.Fuzz(func(t *testing.T, plain []byte) {
		tok := base64.RawURLEncoding.EncodeToString(append([]byte{1}, sealer.Seal(plain)...))
		if len(tok) > 8<<10 {
			return
		}
		c, err := is.Open(tok, t0)
		if err != nil && !errors.Is(err, session.ErrInvalid) && !errors.Is(err, session.ErrExpired) {
			t.Fatalf("Open(sealed %x) = %v, want ErrInvalid or ErrExpired", plain, err)
		}
		if err == nil {
			again, err := is.Open(issue(t, is, c), t0)
			if err != nil || !reflect.DeepEqual(again, c) {
				t.Fatalf("Open(Issue(Open(sealed %x))) = %+v, %v; want %+v", plain, again, err, c)
			}
		}
	})
}

// FuzzDecodeBody: a body that decodes encodes back to one that decodes to
// the same claims.
func FuzzDecodeBody(f *testing.F) {
	for _, c := range []*session.Claims{roleSession(), minimalRole(), userSession(), rootSession(), federatedUser(), federatedRoot()} {
		f.Add(session.AppendBody(c, nil))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := session.DecodeBody(body)
		if err != nil {
			return
		}
		again := session.AppendBody(c, nil)
		c2, err := session.DecodeBody(again)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("DecodeBody(AppendBody(DecodeBody(%x))) = %+v, %v; want %+v", body, c2, err, c)
		}
		if len(again) > len(body) {
			t.Fatalf("AppendBody(DecodeBody(%x)) = %x, longer than the body", body, again)
		}
	})
}
