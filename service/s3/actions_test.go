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

// An access point's ARN stands for its bucket and settings, /object/KEY
// after it for an object, and a wildcard for either; an object key that
// holds ":accesspoint/" is still an object of a bucket (note 86).
func TestResourceKindsOfAccessPoints(t *testing.T) {
	const ap = "arn:aws:s3:us-east-1:111122223333:accesspoint/"
	for _, c := range []struct {
		resource string
		want     actionKind
	}{
		{ap + "team", onBucket | onNeither},
		{ap + "team/object/plan.txt", onObject},
		{ap + "team/object/*", onObject},
		{ap + "*", onBucket | onNeither | onObject},
		{ap + "team*", onBucket | onNeither | onObject},
		{"arn:aws:s3:::bucket/dir:accesspoint/x", onObject},
		{"arn:aws:s3:::bucket", onBucket},
	} {
		if got := resourceKinds([]string{c.resource}); got != c.want {
			t.Errorf("resourceKinds(%s) = %b; want %b", c.resource, got, c.want)
		}
	}
}
