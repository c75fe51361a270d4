package policy

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Position is a place in a policy document: a line and a column, both
// counted from 1, columns in characters. IAM's policy simulator reports
// where each matched statement starts and ends.
type Position struct {
	Line   int
	Column int
}

// StatementPosition returns where statement i (its Index) of the policy
// lies in the document: the position of its opening brace and the one
// just past its closing brace. Both are zero when the document is not
// the one the policy was parsed from or has no statement i.
func (p *Policy) StatementPosition(i int) (start, end Position) {
	spans := statementSpans(p.Document)
	if i < 0 || i >= len(spans) {
		return Position{}, Position{}
	}
	return positionAt(p.Document, spans[i][0]), positionAt(p.Document, spans[i][1])
}

// statementSpans finds the byte offsets of each statement of a document:
// the elements of its top-level Statement array, or the Statement object.
func statementSpans(doc string) [][2]int {
	dec := json.NewDecoder(strings.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		start := valueStart(doc, int(dec.InputOffset()))
		if start >= len(doc) {
			return nil
		}
		if doc[start] == '{' {
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return nil
			}
			return [][2]int{{start, int(dec.InputOffset())}}
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil
		}
		var spans [][2]int
		for dec.More() {
			start := valueStart(doc, int(dec.InputOffset()))
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return nil
			}
			spans = append(spans, [2]int{start, int(dec.InputOffset())})
		}
		return spans
	}
	return nil
}

// valueStart skips the white space, colon or comma before a JSON value.
func valueStart(doc string, off int) int {
	for off < len(doc) && bytes.IndexByte([]byte(" \t\r\n:,"), doc[off]) >= 0 {
		off++
	}
	return off
}

// positionAt converts a byte offset of doc to a line and column.
func positionAt(doc string, off int) Position {
	before := doc[:off]
	line := strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return Position{Line: line, Column: utf8.RuneCountInString(before[lineStart:]) + 1}
}
