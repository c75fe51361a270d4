package s3api

import "testing"

// A Range is read as S3 reads one: a last position past the end, however
// large, is the end; a header S3 ignores is ignored.
func TestByteRange(t *testing.T) {
	for _, tc := range []struct {
		header        string
		start, length int64
		ranged, bad   bool
	}{
		{"bytes=2-4", 2, 3, true, false},
		{"bytes=9-99999999999999999999999", 9, 1, true, false},
		{"bytes=-99999999999999999999999", 0, 10, true, false},
		{"bytes=99999999999999999999999-", 0, 0, false, true},
		{"bytes=-3", 7, 3, true, false},
		{"bytes=10-", 0, 0, false, true},
		{"bytes=+2-4", 0, 10, false, false},
		{"bytes=4-2", 0, 10, false, false},
		{"bytes=1-2,4-5", 0, 10, false, false},
		{"items=1-2", 0, 10, false, false},
	} {
		start, length, ranged, err := byteRange(tc.header, 10)
		if start != tc.start || length != tc.length || ranged != tc.ranged || (err != nil) != tc.bad {
			t.Errorf("byteRange(%q) = %d, %d, %v, %v", tc.header, start, length, ranged, err)
		}
	}
}
