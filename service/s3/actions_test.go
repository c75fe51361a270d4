package s3api

import (
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"s3:get*", "s3:getobject", true},
		{"s3:*object", "s3:getobject", true},
		{"s3:*object", "s3:getobjectacl", false},
		{"s3:get?bject", "s3:getobject", true},
		{"s3:*", "s3:", true},
		{"s3:?", "s3:", false},
		{"*", "", true},
		{"s3:*tag*ing", "s3:putobjecttagging", true},
		{"s3:list", "s3:listbucket", false},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
	// Many stars cost no more than one: this took seconds with
	// backtracking at every star.
	if globMatch("s3:"+strings.Repeat("*", 40)+"z", "s3:getobjectversionforreplication") {
		t.Error("a pattern ending in z matched an action that does not")
	}
}

// A body of no declared length is cut off past the limit.
func TestCappedReader(t *testing.T) {
	c := &cappedReader{r: strings.NewReader("abcdef"), left: 4}
	buf := make([]byte, 10)
	n, err := c.Read(buf)
	if n != 5 || err != errPastLimit {
		t.Errorf("Read past the limit = %d, %v; want 5 bytes and errPastLimit", n, err)
	}
	c = &cappedReader{r: strings.NewReader("abcd"), left: 4}
	if n, err := c.Read(buf); n != 4 || err != nil {
		t.Errorf("Read up to the limit = %d, %v", n, err)
	}
}
