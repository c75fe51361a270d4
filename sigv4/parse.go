package sigv4

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm     = "AWS4-HMAC-SHA256"
	terminator    = "aws4_request"
	amzDateFormat = "20060102T150405Z"
	scopeDateLen  = len("20060102")

	// MaxPresignExpires is the longest X-Amz-Expires AWS accepts: a week.
	MaxPresignExpires = 604800
)

// Query parameters of a presigned URL.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// auth is what a request claims about its signature, before any check
// against a key or the clock.
type auth struct {
	presigned bool
	post      bool   // a browser upload form's fields (VerifyPost)
	header    string // the Authorization header as sent

	accessKeyID string
	date        string // credential scope date, YYYYMMDD
	region      string
	service     string
	scope       string // date/region/service/aws4_request

	signedHeaders    []string
	signedHeadersRaw string
	signature        string
	token            string

	amzDate string    // the request time in ISO 8601 basic format
	rawDate string    // the request time as sent
	time    time.Time // the request time; zero when absent or invalid

	expires int64 // X-Amz-Expires in seconds; -1 when absent

	query []param // the decoded query string
}

// param is one decoded name=value pair of a query string.
type param struct {
	key, value string
}

// parseAuth reads into a the signature a request claims: the Authorization
// header, or else the X-Amz-* query parameters of a presigned URL. An
// unsigned request is a MissingAuth *Error.
func parseAuth(r *http.Request, a *auth) *Error {
	*a = auth{expires: -1, query: parseQuery(r.URL.RawQuery)}
	if h, ok := r.Header["Authorization"]; ok && len(h) > 0 {
		a.header = h[0]
		_, presigned := a.param(qAlgorithm)
		if _, v2 := a.param("Signature"); presigned || v2 {
			return &Error{Kind: TwoMechanisms, Authorization: h[0],
				Detail: "Only one auth mechanism allowed: an Authorization header or a signature in the query string."}
		}
		return a.parseHeader(r)
	}
	if _, ok := a.param(qAlgorithm); ok {
		a.presigned = true
		return a.parsePresigned()
	}
	if _, ok := a.param("AWSAccessKeyId"); ok {
		if _, ok := a.param("Signature"); ok {
			return &Error{Kind: UnsupportedAlgorithm, Presigned: true, V2: true,
				Detail:   "Signature Version 2 is not supported; sign requests with AWS4-HMAC-SHA256.",
				S3Detail: `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`}
		}
	}
	return &Error{Kind: MissingAuth}
}

// first is a header's first value, "" when absent; the names it is given
// are canonical, as Go's server stores them.
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (a *auth) param(key string) (string, bool) {
	for _, p := range a.query {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

func (a *auth) parseHeader(r *http.Request) *Error {
	h := a.header
	rest, ok := strings.CutPrefix(h, algorithm)
	if !ok || (rest != "" && rest[0] != ' ') {
		alg, _, _ := strings.Cut(h, " ")
		return &Error{Kind: UnsupportedAlgorithm, V2: alg == "AWS",
			Detail:   "Unsupported AWS 'algorithm': '" + alg + "'.",
			S3Detail: h}
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.Trim(part, " ")
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return &Error{Kind: Malformed,
				Detail:   "'" + part + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + h + "'.",
				S3Detail: "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature."}
		}
		switch k {
		case "Credential":
			cred, haveCred = v, true
		case "SignedHeaders":
			signed, haveSigned = v, true
		case "Signature":
			sig, haveSig = v, true
		}
	}
	if !haveCred || !haveSigned || !haveSig || sig == "" {
		// The Query services list every missing part, the date included.
		var b strings.Builder
		if !haveCred {
			b.WriteString("Authorization header requires 'Credential' parameter. ")
		}
		if !haveSig || sig == "" {
			b.WriteString("Authorization header requires 'Signature' parameter. ")
		}
		if !haveSigned {
			b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
		}
		if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
			b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		b.WriteString("Authorization=" + h)
		return &Error{Kind: Malformed, Detail: b.String(),
			S3Detail: "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature."}
	}
	if e := a.parseCredential(cred); e != nil {
		return e
	}
	if e := a.parseSignedHeaders(signed); e != nil {
		return e
	}
	a.signature = sig
	a.token = first(r.Header["X-Amz-Security-Token"])

	if d := first(r.Header["X-Amz-Date"]); d != "" {
		a.rawDate = d
		if t, ok := parseAmzDate(d); ok {
			a.time, a.amzDate = t, d
		}
	} else if d := first(r.Header["Date"]); d != "" {
		a.rawDate = d
		if a.time, _ = http.ParseTime(d); !a.time.IsZero() {
			a.amzDate = a.time.UTC().Format(amzDateFormat)
		}
	}
	if a.time.IsZero() {
		return &Error{Kind: MissingDate,
			Detail: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + h}
	}
	a.time = a.time.UTC()
	return a.checkScopeDate()
}

func (a *auth) parsePresigned() *Error {
	if alg, _ := a.param(qAlgorithm); alg != algorithm {
		return &Error{Kind: UnsupportedAlgorithm, Presigned: true,
			Detail:   "Unsupported AWS 'algorithm': '" + alg + "'.",
			S3Detail: `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`}
	}
	cred, okCred := a.param(qCredential)
	date, okDate := a.param(qDate)
	signed, okSigned := a.param(qSignedHeaders)
	sig, okSig := a.param(qSignature)
	expires, okExpires := a.param(qExpires)
	if okCred {
		// The service decides whether X-Amz-Expires is required.
		if _, svc, ok := serviceOfCredential(cred); ok && svc == "s3" && !okExpires {
			okCred = false
		}
	}
	if !okCred || !okDate || !okSigned || !okSig || sig == "" {
		return &Error{Kind: Malformed, Presigned: true,
			Detail:   "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters.",
			S3Detail: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."}
	}
	if e := a.parseCredential(cred); e != nil {
		return e
	}
	if e := a.parseSignedHeaders(signed); e != nil {
		return e
	}
	a.signature = sig
	a.token, _ = a.param(qSecurityToken)

	t, ok := parseAmzDate(date)
	if !ok {
		return &Error{Kind: Malformed, Presigned: true,
			Detail:   "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
			S3Detail: "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""}
	}
	a.rawDate, a.time, a.amzDate = date, t.UTC(), date

	if okExpires {
		n, err := strconv.ParseInt(expires, 10, 64)
		switch {
		case err != nil:
			return &Error{Kind: Malformed, Presigned: true,
				Detail: "X-Amz-Expires should be a number", S3Detail: "X-Amz-Expires should be a number"}
		case n < 0:
			return &Error{Kind: Malformed, Presigned: true,
				Detail: "X-Amz-Expires must be non-negative", S3Detail: "X-Amz-Expires must be non-negative"}
		case n > MaxPresignExpires:
			m := "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
			return &Error{Kind: Malformed, Presigned: true, Detail: m, S3Detail: m}
		}
		a.expires = n
	}
	return a.checkScopeDate()
}

// s3Prefix is how S3 opens a message about the credential, by where the
// credential came from.
func (a *auth) s3Prefix() string {
	if a.post {
		return ""
	}
	if a.presigned {
		return "Error parsing the X-Amz-Credential parameter; "
	}
	return "The authorization header is malformed; "
}

func (a *auth) malformed(detail, s3detail string) *Error {
	return &Error{Kind: Malformed, Presigned: a.presigned, Post: a.post, Detail: detail, S3Detail: a.s3Prefix() + s3detail}
}

func (a *auth) parseCredential(cred string) *Error {
	if strings.Count(cred, "/") != 4 {
		return a.malformed(
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'",
			`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	var parts [5]string
	rest := cred
	for i := range 4 {
		parts[i], rest, _ = strings.Cut(rest, "/")
	}
	parts[4] = rest
	a.accessKeyID, a.date, a.region, a.service = parts[0], parts[1], parts[2], parts[3]
	switch {
	case a.accessKeyID == "":
		return a.malformed(
			"Credential must contain a non-empty access key id, got '"+cred+"'",
			"a non-empty Access Key (AKID) must be provided in the credential.")
	case !isScopeDate(a.date):
		return a.malformed(
			"Credential should be scoped to a valid date (YYYYMMDD), not '"+a.date+"'. ",
			`incorrect date format "`+a.date+`". This date in the credential must be in the format "yyyyMMdd".`)
	case a.region == "":
		return a.malformed(
			"Credential should be scoped to a valid region, not ''. ",
			"the region '' is wrong.")
	case a.service == "":
		return a.malformed(
			"Credential should be scoped to correct service. ",
			`incorrect service "".`)
	case parts[4] != terminator:
		return a.malformed(
			"Credential should be scoped with a valid terminator: 'aws4_request', not '"+parts[4]+"'. ",
			`incorrect terminal "`+parts[4]+`". This endpoint uses "aws4_request".`)
	}
	a.scope = cred[len(a.accessKeyID)+1:]
	return nil
}

func (a *auth) parseSignedHeaders(s string) *Error {
	a.signedHeadersRaw = s
	a.signedHeaders = strings.Split(s, ";")
	host := false
	for _, h := range a.signedHeaders {
		if h == "" {
			return a.malformed("SignedHeaders must be a ';'-separated list of header names, got '"+s+"'. ",
				"the SignedHeaders are mal-formed.")
		}
		if strings.EqualFold(h, "host") {
			host = true
		}
	}
	if !host {
		return &Error{Kind: Malformed, Presigned: a.presigned,
			Detail:   "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
			S3Detail: a.s3Prefix() + "'Host' must be a 'SignedHeader' in the AWS Authorization."}
	}
	return nil
}

// checkScopeDate holds the credential scope's date to the request's.
func (a *auth) checkScopeDate() *Error {
	if a.amzDate[:scopeDateLen] == a.date {
		return nil
	}
	s3 := a.s3Prefix() + `Invalid credential date "` + a.date + `". Date is not the same as X-Amz-Date: "` + a.amzDate[:scopeDateLen] + `".`
	return &Error{Kind: Malformed, Presigned: a.presigned, Post: a.post,
		Detail: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			a.date + "' != '" + a.amzDate[:scopeDateLen] + "', from '" + a.amzDate + "'.",
		S3Detail: s3}
}

func isScopeDate(s string) bool {
	_, ok := parseDigitsDate(s, 0, 0, 0)
	return len(s) == scopeDateLen && ok
}

// parseAmzDate reads an ISO 8601 basic time, 20060102T150405Z, as
// time.Parse(amzDateFormat, s) would, without its general machinery: this
// runs on every request.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateFormat) || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	hour, ok1 := digits(s[9:11])
	min, ok2 := digits(s[11:13])
	sec, ok3 := digits(s[13:15])
	if !ok1 || !ok2 || !ok3 || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	return parseDigitsDate(s[:scopeDateLen], hour, min, sec)
}

// parseDigitsDate reads YYYYMMDD at the given time of day (UTC), refusing
// a day its month does not have.
func parseDigitsDate(s string, hour, min, sec int) (time.Time, bool) {
	if len(s) < scopeDateLen {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[4:6])
	day, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
	if t.Day() != day { // normalized past the month's end
		return time.Time{}, false
	}
	return t, true
}

// digits reads a run of ASCII digits as a number.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// ServiceOf returns the service named in r's credential scope (the
// Authorization header's Credential, or a presigned URL's X-Amz-Credential)
// without verifying anything, for routing. It reports false for an
// unsigned request or one whose scope cannot be read.
func ServiceOf(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		i := strings.Index(h, "Credential=")
		if i < 0 {
			return "", false
		}
		cred := h[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
		_, svc, ok := serviceOfCredential(cred)
		return svc, ok
	}
	for _, p := range parseQuery(r.URL.RawQuery) {
		if p.key == qCredential {
			_, svc, ok := serviceOfCredential(p.value)
			return svc, ok
		}
	}
	return "", false
}

// serviceOfCredential reads the region and service of
// "AKID/date/region/service/aws4_request".
func serviceOfCredential(cred string) (region, service string, ok bool) {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[3] == "" {
		return "", "", false
	}
	return parts[2], parts[3], true
}

// parseQuery splits a raw query string into decoded pairs, in order. A
// '+' is a space, as in HTML forms; a '%' that does not start a valid
// escape is kept as it is. Empty segments ("a&&b") are dropped.
func parseQuery(raw string) []param {
	if raw == "" {
		return nil
	}
	ps := make([]param, 0, strings.Count(raw, "&")+1)
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		ps = append(ps, param{unescape(k), unescape(v)})
	}
	return ps
}

func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
