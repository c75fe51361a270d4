package s3api

import (
	"strings"
	"testing"
)

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
