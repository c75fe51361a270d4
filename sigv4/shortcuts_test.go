package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
	"time"
)

// parseAmzDate must agree with time.Parse on every input, valid or not:
// it replaces it on the request path only to be cheaper.
func TestParseAmzDateAgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{
		"20261201T211658Z", "20240229T000000Z", "20230229T000000Z", "20261131T120000Z",
		"20261301T000000Z", "20260001T000000Z", "20261200T000000Z", "20261201T240000Z",
		"20261201T236000Z", "20261201T235960Z", "20261201T235959Z", "00000101T000000Z",
		"2026120lT000000Z", "20261201 000000Z", "20261201T000000", "20261201T000000z",
		"+0261201T000000Z", "20261201T00000-Z", "", "20261201",
	} {
		want, err := time.Parse(amzDateFormat, s)
		got, ok := parseAmzDate(s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("parseAmzDate(%q) = %v, %v; time.Parse = %v, %v", s, got, ok, want, err)
		}
		if len(s) >= scopeDateLen {
			_, err := time.Parse("20060102", s[:scopeDateLen])
			if isScopeDate(s[:scopeDateLen]) != (err == nil) {
				t.Errorf("isScopeDate(%q) = %v, time.Parse error %v", s[:scopeDateLen], !(err == nil), err)
			}
		}
	}
}

func FuzzParseAmzDate(f *testing.F) {
	f.Add("20261201T211658Z")
	f.Add("20230229T000000Z")
	f.Fuzz(func(t *testing.T, s string) {
		want, err := time.Parse(amzDateFormat, s)
		got, ok := parseAmzDate(s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Fatalf("parseAmzDate(%q) = %v, %v; time.Parse = %v, %v", s, got, ok, want, err)
		}
	})
}

// hmacSum must be HMAC-SHA256 for keys and messages of every length,
// around the sizes where it changes method.
func TestHMACSumMatchesCryptoHMAC(t *testing.T) {
	for _, kl := range []int{0, 1, 32, 44, 64, 65, 100} {
		for _, ml := range []int{0, 1, 63, 64, 130, 447, 448, 449, 1000} {
			key, msg := make([]byte, kl), make([]byte, ml)
			for i := range key {
				key[i] = byte(i*7 + 1)
			}
			for i := range msg {
				msg[i] = byte(i*13 + 5)
			}
			got := hmacSum(key, msg)
			if want := referenceHMAC(key, msg); string(got[:]) != string(want) {
				t.Errorf("hmacSum with a %d-byte key over %d bytes differs from crypto/hmac", kl, ml)
			}
		}
	}
}

func referenceHMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}
