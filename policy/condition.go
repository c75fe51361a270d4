package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/trustgate/trustgate/arn"
)

// operator is the base of a condition operator, without its set qualifier
// (ForAllValues:, ForAnyValue:) or IfExists suffix.
type operator uint8

const (
	opStringEquals operator = iota
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNumericEquals
	opNumericNotEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateNotEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opNotIPAddress
	opArnEquals
	opArnLike
	opArnNotEquals
	opArnNotLike
	opNull
)

var operatorNames = map[string]operator{
	"StringEquals":              opStringEquals,
	"StringNotEquals":           opStringNotEquals,
	"StringEqualsIgnoreCase":    opStringEqualsIgnoreCase,
	"StringNotEqualsIgnoreCase": opStringNotEqualsIgnoreCase,
	"StringLike":                opStringLike,
	"StringNotLike":             opStringNotLike,
	"NumericEquals":             opNumericEquals,
	"NumericNotEquals":          opNumericNotEquals,
	"NumericLessThan":           opNumericLessThan,
	"NumericLessThanEquals":     opNumericLessThanEquals,
	"NumericGreaterThan":        opNumericGreaterThan,
	"NumericGreaterThanEquals":  opNumericGreaterThanEquals,
	"DateEquals":                opDateEquals,
	"DateNotEquals":             opDateNotEquals,
	"DateLessThan":              opDateLessThan,
	"DateLessThanEquals":        opDateLessThanEquals,
	"DateGreaterThan":           opDateGreaterThan,
	"DateGreaterThanEquals":     opDateGreaterThanEquals,
	"Bool":                      opBool,
	"BinaryEquals":              opBinaryEquals,
	"IpAddress":                 opIPAddress,
	"NotIpAddress":              opNotIPAddress,
	"ArnEquals":                 opArnEquals,
	"ArnLike":                   opArnLike,
	"ArnNotEquals":              opArnNotEquals,
	"ArnNotLike":                opArnNotLike,
	"Null":                      opNull,
}

// negated reports whether the operator is the negation of another one:
// it holds when no policy value matches, and for a missing key.
func (o operator) negated() bool {
	switch o {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike,
		opNumericNotEquals, opDateNotEquals, opNotIPAddress,
		opArnNotEquals, opArnNotLike:
		return true
	}
	return false
}

type setQualifier uint8

const (
	noQualifier setQualifier = iota
	forAllValues
	forAnyValue
)

// Condition is one key's test inside a Condition block, such as
// "StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}.
type Condition struct {
	Operator string   // as written, e.g. "ForAnyValue:StringLike"
	Key      string   // as written, e.g. "aws:PrincipalTag/team"
	Values   []string // as written; numbers and booleans become strings

	op       operator
	set      setQualifier
	ifExists bool
	key      string // lower-cased
	values   []conditionValue
}

// conditionValue is one policy value, parsed once for its operator.
type conditionValue struct {
	pattern pattern // String* and Bool: the value, with variables; Like: a glob
	number  float64
	time    time.Time
	prefix  netip.Prefix
	arn     arnPattern
	valid   bool // false when the value cannot be read for its operator: it never matches
}

// parseOperator splits a condition operator into its parts; ok is false
// for an operator AWS does not have.
func parseOperator(name string) (op operator, set setQualifier, ifExists bool, ok bool) {
	base := name
	if rest, found := strings.CutPrefix(base, "ForAllValues:"); found {
		base, set = rest, forAllValues
	} else if rest, found := strings.CutPrefix(base, "ForAnyValue:"); found {
		base, set = rest, forAnyValue
	}
	if rest, found := strings.CutSuffix(base, "IfExists"); found {
		base, ifExists = rest, true
	}
	op, ok = operatorNames[base]
	if ok && op == opNull && (ifExists || set != noQualifier) {
		return 0, 0, false, false
	}
	return op, set, ifExists, ok
}

// compileCondition builds a Condition; variables tells whether policy
// variables are substituted (Version 2012-10-17).
func compileCondition(opName, key string, values []string, variables bool) (Condition, error) {
	op, set, ifExists, ok := parseOperator(opName)
	if !ok {
		return Condition{}, malformed("Invalid Condition type : %s", opName)
	}
	if i := strings.IndexByte(key, ':'); i <= 0 || i == len(key)-1 {
		return Condition{}, malformed("Condition key %q must be prefaced by a vendor, e.g. aws:SourceIp or s3:prefix", key)
	}
	c := Condition{
		Operator: opName, Key: key, Values: values,
		op: op, set: set, ifExists: ifExists, key: strings.ToLower(key),
	}
	c.values = make([]conditionValue, len(values))
	for i, v := range values {
		c.values[i] = compileConditionValue(op, v, variables)
	}
	return c, nil
}

func compileConditionValue(op operator, v string, variables bool) conditionValue {
	cv := conditionValue{valid: true}
	switch op {
	case opStringEquals, opStringNotEquals, opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		cv.pattern = compilePattern(v, false, variables)
	case opStringLike, opStringNotLike:
		cv.pattern = compilePattern(v, true, variables)
	case opNumericEquals, opNumericNotEquals, opNumericLessThan, opNumericLessThanEquals,
		opNumericGreaterThan, opNumericGreaterThanEquals:
		n, ok := parseNumber(v)
		cv.number, cv.valid = n, ok
	case opDateEquals, opDateNotEquals, opDateLessThan, opDateLessThanEquals,
		opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(v)
		cv.time, cv.valid = t, ok
	case opBool, opNull:
		cv.pattern = compilePattern(strings.ToLower(v), false, false)
	case opBinaryEquals:
		cv.pattern = compilePattern(v, false, false)
	case opIPAddress, opNotIPAddress:
		p, ok := parsePrefix(v)
		cv.prefix, cv.valid = p, ok
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		cv.arn = compileArnPattern(v, variables)
	}
	return cv
}

// eval reports whether the condition holds in ctx.
func (c *Condition) eval(ctx *Context) bool {
	values, present := ctx.lookup(c.key)
	if c.op == opNull {
		// "Null": "true" holds when the key is absent, "false" when present;
		// a key whose values are all empty strings is a null value.
		absent := !present || nullSet(values)
		for i := range c.values {
			if (c.values[i].pattern.raw == "true") == absent {
				return true
			}
		}
		return false
	}
	switch c.set {
	case forAllValues:
		// Holds for a missing or null set: every one of no values matches.
		if nullSet(values) {
			return true
		}
		for _, v := range values {
			if !c.matchOne(v, ctx) {
				return false
			}
		}
		return true
	case forAnyValue:
		if !present || nullSet(values) {
			return c.ifExists && !present
		}
		for _, v := range values {
			if c.matchOne(v, ctx) {
				return true
			}
		}
		return false
	}
	if !present || len(values) == 0 {
		return c.ifExists || c.op.negated()
	}
	if c.op.negated() {
		// A negated operator holds when no request value matches any
		// policy value.
		for _, v := range values {
			if !c.matchOne(v, ctx) {
				return false
			}
		}
		return true
	}
	for _, v := range values {
		if c.matchOne(v, ctx) {
			return true
		}
	}
	return false
}

// nullSet reports whether a key's values are a null data set: none, or
// only empty strings (docs/aws-behaviour.md note 11).
func nullSet(values []string) bool {
	for _, v := range values {
		if v != "" {
			return false
		}
	}
	return true
}

// matchOne tests one request value against the policy values: for a
// positive operator, whether any policy value matches; for a negated one,
// whether none does.
func (c *Condition) matchOne(v string, ctx *Context) bool {
	hit := false
	for i := range c.values {
		if c.values[i].valid && c.values[i].matches(c.op, v, ctx) {
			hit = true
			break
		}
	}
	return hit != c.op.negated()
}

// matches applies the positive form of op to one request value and this
// policy value.
func (cv *conditionValue) matches(op operator, v string, ctx *Context) bool {
	switch op {
	case opStringEquals, opStringNotEquals, opStringLike, opStringNotLike, opBinaryEquals:
		return cv.pattern.match(v, false, ctx)
	case opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		return cv.pattern.match(v, true, ctx)
	case opBool:
		return cv.pattern.match(v, true, ctx)
	case opNumericEquals, opNumericNotEquals:
		n, ok := parseNumber(v)
		return ok && n == cv.number
	case opNumericLessThan:
		n, ok := parseNumber(v)
		return ok && n < cv.number
	case opNumericLessThanEquals:
		n, ok := parseNumber(v)
		return ok && n <= cv.number
	case opNumericGreaterThan:
		n, ok := parseNumber(v)
		return ok && n > cv.number
	case opNumericGreaterThanEquals:
		n, ok := parseNumber(v)
		return ok && n >= cv.number
	case opDateEquals, opDateNotEquals:
		t, ok := parseDate(v)
		return ok && t.Equal(cv.time)
	case opDateLessThan:
		t, ok := parseDate(v)
		return ok && t.Before(cv.time)
	case opDateLessThanEquals:
		t, ok := parseDate(v)
		return ok && !t.After(cv.time)
	case opDateGreaterThan:
		t, ok := parseDate(v)
		return ok && t.After(cv.time)
	case opDateGreaterThanEquals:
		t, ok := parseDate(v)
		return ok && !t.Before(cv.time)
	case opIPAddress, opNotIPAddress:
		addr, err := netip.ParseAddr(v)
		return err == nil && cv.prefix.Contains(addr.Unmap())
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		return cv.arn.match(v, ctx)
	}
	return false
}

// parseNumber reads an integer or decimal number.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01", // W3C's ISO 8601 profile allows a year and month
	"20060102T150405Z",
}

// parseDate reads an ISO 8601 date or time, or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parsePrefix reads a CIDR block or a single address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// arnPattern matches ARNs part by part: a wildcard never crosses the colon
// between partition, service, region and account, but may in the
// resource part, which can itself contain colons.
type arnPattern struct {
	whole pattern    // used when the pattern is not six parts, e.g. "*"
	parts [5]pattern // partition, service, region, account, resource
	split bool
}

func compileArnPattern(s string, variables bool) arnPattern {
	fields, ok := splitArnPattern(s)
	if !ok {
		return arnPattern{whole: compilePattern(s, true, variables)}
	}
	var p arnPattern
	p.split = true
	for i, f := range fields {
		p.parts[i] = compilePattern(f, true, variables)
	}
	return p
}

// splitArnPattern splits "arn:p:s:r:a:res" into its five parts after
// "arn", skipping colons inside ${...} variables.
func splitArnPattern(s string) ([5]string, bool) {
	var out [5]string
	if !strings.HasPrefix(s, "arn:") {
		return out, false
	}
	rest := s[4:]
	for i := 0; i < 4; i++ {
		j := indexColonOutsideVariables(rest)
		if j < 0 {
			return out, false
		}
		out[i], rest = rest[:j], rest[j+1:]
	}
	out[4] = rest
	return out, true
}

func indexColonOutsideVariables(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			return i
		}
	}
	return -1
}

func (p *arnPattern) match(s string, ctx *Context) bool {
	a, ok := arn.Split(s)
	return p.matchSplit(s, a, ok, ctx)
}

// matchSplit matches s, already split into a (isARN tells whether it
// split). A policy variable with no value matches nothing.
func (p *arnPattern) matchSplit(s string, a arn.ARN, isARN bool, ctx *Context) bool {
	if !p.split {
		return p.whole.match(s, false, ctx)
	}
	return isARN &&
		p.parts[0].match(a.Partition, false, ctx) &&
		p.parts[1].match(a.Service, false, ctx) &&
		p.parts[2].match(a.Region, false, ctx) &&
		p.parts[3].match(a.Account, false, ctx) &&
		p.parts[4].match(a.Resource, false, ctx)
}
