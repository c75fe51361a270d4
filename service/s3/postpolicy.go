package s3api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A POST policy (note 70): the document a browser upload form carries,
// base64, signed, which says until when the form works and what its
// fields may hold.

// postPolicy is a parsed POST policy.
type postPolicy struct {
	expiration time.Time
	conditions []postCondition
	// minSize and maxSize are its content-length-range, when it has one.
	minSize, maxSize int64
	sized            bool
}

// postCondition is one condition on a form field: eq or starts-with of
// the field (lower case, without its $) to value. shown is the condition
// as S3 names it when it fails: the policy's own spelling, a simple
// condition written as eq.
type postCondition struct {
	op, field, value string
	shown            string
	// broken is a condition that cannot hold (a name without $, a range
	// that is no number): it fails whatever the form holds.
	broken bool
}

func invalidPolicy(format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, "InvalidPolicyDocument", "Invalid Policy: "+format, args...)
}

// parsePostPolicy decodes a form's policy field.
func parsePostPolicy(encoded string) (*postPolicy, *Error) {
	doc, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, invalidPolicy("invalid Base64 encoding.")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, invalidPolicy("Invalid JSON.")
	}
	for name := range top {
		if name != "expiration" && name != "conditions" {
			return nil, invalidPolicy("Unexpected: '%s'", strings.ToLower(name))
		}
	}
	rawExp, ok := top["expiration"]
	if !ok {
		return nil, invalidPolicy("Policy missing expiration.")
	}
	rawConds, ok := top["conditions"]
	if !ok {
		return nil, invalidPolicy("Policy missing conditions.")
	}
	p := &postPolicy{}
	var exp string
	if json.Unmarshal(rawExp, &exp) != nil {
		return nil, invalidPolicy("Invalid 'expiration' value: '%s'", strings.Trim(string(rawExp), `"`))
	}
	if p.expiration, ok = parseExpiration(exp); !ok {
		return nil, invalidPolicy("Invalid 'expiration' value: '%s'", exp)
	}
	var conds []json.RawMessage
	if json.Unmarshal(rawConds, &conds) != nil {
		return nil, invalidPolicy("Invalid 'conditions' value: must be a List.")
	}
	for _, raw := range conds {
		if err := p.addCondition(raw); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseExpiration reads an expiration in ISO 8601 at UTC, with or without
// milliseconds; an offset or a space for the T is refused, as by S3.
func parseExpiration(s string) (time.Time, bool) {
	if !strings.HasSuffix(s, "Z") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// addCondition parses one condition: an object of one field and its
// value (eq), or a list naming its operation.
func (p *postPolicy) addCondition(raw json.RawMessage) *Error {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		var simple map[string]json.RawMessage
		if json.Unmarshal(raw, &simple) != nil {
			return invalidPolicy("Invalid JSON.")
		}
		if len(simple) != 1 {
			return invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for name, v := range simple {
			if string(bytes.TrimSpace(v)) == "null" {
				return invalidPolicy("Invalid JSON.")
			}
			var value string
			if json.Unmarshal(v, &value) != nil {
				return invalidPolicy("Invalid Simple-Condition: value must be a string.")
			}
			p.conditions = append(p.conditions, postCondition{op: "eq", field: strings.ToLower(name), value: value,
				shown: showCondition("eq", "$"+name, value)})
		}
		return nil
	case len(raw) > 0 && raw[0] == '[':
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var list []any
		if d.Decode(&list) != nil {
			return invalidPolicy("Invalid JSON.")
		}
		if len(list) == 0 {
			return invalidPolicy("Invalid Condition: missing operation identifier.")
		}
		op, ok := list[0].(string)
		if !ok {
			return invalidPolicy("Invalid Condition: missing operation identifier.")
		}
		switch lower := strings.ToLower(op); lower {
		case "eq", "starts-with":
			if len(list) != 3 {
				return invalidPolicy("Invalid %s: wrong number of arguments.", lower)
			}
			name, ok1 := list[1].(string)
			value, ok2 := list[2].(string)
			if !ok1 || !ok2 {
				return invalidPolicy("Invalid JSON.")
			}
			field, hasDollar := strings.CutPrefix(name, "$")
			p.conditions = append(p.conditions, postCondition{op: lower, field: strings.ToLower(field), value: value,
				shown: showCondition(op, name, value), broken: !hasDollar})
		case "content-length-range":
			if len(list) != 3 {
				return invalidPolicy("Invalid %s: wrong number of arguments.", lower)
			}
			minSize, ok1, err1 := rangeBound(list[1])
			maxSize, ok2, err2 := rangeBound(list[2])
			if err := firstOf(err1, err2); err != nil {
				return err
			}
			if !ok1 || !ok2 {
				p.conditions = append(p.conditions, postCondition{op: lower, broken: true, shown: showCondition(op, list[1], list[2])})
				return nil
			}
			p.minSize, p.maxSize, p.sized = minSize, maxSize, true
		default:
			return invalidPolicy("Invalid Condition: unknown operation '%s'.", op)
		}
		return nil
	}
	return invalidPolicy("Invalid condition test: must be a List or Object.")
}

func firstOf(errs ...*Error) *Error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// rangeBound reads a bound of content-length-range: a whole number, or a
// string of one (S3 takes "5"). A string that is no number is a condition
// that fails (ok false); a fraction or a negative number is no policy S3
// takes.
func rangeBound(v any) (n int64, ok bool, err *Error) {
	switch v := v.(type) {
	case json.Number:
		n, perr := v.Int64()
		if perr != nil {
			return 0, false, invalidPolicy("Invalid JSON.")
		}
		if n < 0 {
			return 0, false, invalidPolicy("Invalid content-length-range: a bound must not be negative.")
		}
		return n, true, nil
	case string:
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < 0 {
			return 0, false, nil
		}
		return n, true, nil
	}
	return 0, false, invalidPolicy("Invalid JSON.")
}

// showCondition writes a condition as S3 names one that failed:
// ["eq", "$key", "value"], JSON with a space after each comma.
func showCondition(items ...any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(item)
		b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	}
	b.WriteByte(']')
	return b.String()
}

// check holds a form, its fields by lower-case name, to the policy at
// now, for a bucket: the policy must not have expired, its conditions
// must hold, and every field but those exempt must have one.
func (p *postPolicy) check(f *PostForm, bucket string, now time.Time) *Error {
	if !now.Before(p.expiration) {
		return errorf(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy expired.")
	}
	covered := map[string]bool{}
	for _, c := range p.conditions {
		covered[c.field] = true
		value, present := f.fields[c.field]
		if c.field == "bucket" {
			value, present = bucket, true
		}
		if c.broken || !present || !c.holds(value) {
			return errorf(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed: %s", c.shown)
		}
	}
	var extra []string
	for _, name := range f.names {
		lower := strings.ToLower(name)
		if !covered[lower] && !exemptFromPolicy(lower) {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		return errorf(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Extra input fields: %s", strings.Join(extra, ", "))
	}
	return nil
}

// exemptFromPolicy names the fields a policy need not name.
func exemptFromPolicy(lower string) bool {
	return lower == "x-amz-signature" || lower == "policy" || lower == "file" || strings.HasPrefix(lower, "x-ignore-")
}

// holds tells whether a field's value meets the condition. A
// Content-Type that lists types, comma-separated, starts with the prefix
// only when each of them does.
func (c postCondition) holds(value string) bool {
	if c.op == "eq" {
		return value == c.value
	}
	if c.field == "content-type" {
		for _, t := range strings.Split(value, ",") {
			if !strings.HasPrefix(strings.TrimSpace(t), c.value) {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(value, c.value)
}
