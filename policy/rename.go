package policy

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// RenamePrincipal replaces every AWS principal of doc equal to from, in
// a Principal or NotPrincipal element, with to, and leaves the rest of the
// document as written: conditions that name from keep it. It reports
// whether anything was replaced; a document that is not JSON is left as
// it is.
//
// IAM does this when a user or role a policy names is deleted: the policy
// names its unique id from then on, which no later entity of the same
// name has (note 53).
func RenamePrincipal(doc, from, to string) (string, bool) {
	spans := principalSpans(doc, from)
	if len(spans) == 0 {
		return doc, false
	}
	quoted, _ := json.Marshal(to)
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(doc[last:s.start])
		b.Write(quoted)
		last = s.end
	}
	b.WriteString(doc[last:])
	return b.String(), true
}

type span struct{ start, end int }

// jsonFrame is an object or array being read, and in an object the key
// of the value being read.
type jsonFrame struct {
	object    bool
	expectKey bool
	key       string
}

// principalSpans finds, by byte offsets, the JSON strings of doc equal to
// value that are AWS principals.
func principalSpans(doc, value string) []span {
	dec := json.NewDecoder(strings.NewReader(doc))
	var stack []*jsonFrame
	var spans []span
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return spans
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &jsonFrame{object: true, expectKey: true})
			case '[':
				stack = append(stack, &jsonFrame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				stack[n-1].key, stack[n-1].expectKey = t, false
				continue
			}
			if t == value && isAWSPrincipal(stack) {
				start := before + strings.IndexByte(doc[before:], '"')
				spans = append(spans, span{start, int(dec.InputOffset())})
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// isAWSPrincipal reports whether the value being read sits in the AWS
// member of a Principal or NotPrincipal, alone or in a list.
func isAWSPrincipal(stack []*jsonFrame) bool {
	n := len(stack)
	if n > 0 && !stack[n-1].object {
		n-- // a list of principals
	}
	if n < 2 || !stack[n-1].object || stack[n-1].key != "AWS" || !stack[n-2].object {
		return false
	}
	k := stack[n-2].key
	return k == "Principal" || k == "NotPrincipal"
}
