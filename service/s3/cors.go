package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trustgate/trustgate"
)

// Cross-origin resource sharing (note 73): a bucket's CORS rules, the
// preflight a browser sends before a cross-origin request, and the
// headers that let a page's script read the answer to one.

// MaxCORSRules is the most rules a bucket's CORS configuration holds.
const MaxCORSRules = 100

// corsConfiguration is the document of PutBucketCors and GetBucketCors.
type corsConfiguration struct {
	XMLName xml.Name   `xml:"CORSConfiguration"`
	Xmlns   string     `xml:"xmlns,attr,omitempty"`
	Rules   []corsRule `xml:"CORSRule"`
}

type corsRule struct {
	ID            string   `xml:",omitempty"`
	AllowedHeader []string `xml:",omitempty"`
	AllowedMethod []string
	AllowedOrigin []string
	ExposeHeader  []string `xml:",omitempty"`
	MaxAgeSeconds *int     `xml:",omitempty"`
}

// corsMethods are the methods a rule may allow.
var corsMethods = setOf(http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead)

func (s *Service) putBucketCors(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketCORS")
	if err != nil {
		return err
	}
	var conf corsConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	rules, err := conf.rules()
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.CORS = rules
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// rules checks a configuration as S3 does and returns its rules.
func (conf *corsConfiguration) rules() ([]trustgate.CORSRule, *Error) {
	switch {
	case len(conf.Rules) == 0:
		return nil, malformedXML()
	case len(conf.Rules) > MaxCORSRules:
		return nil, errorf(http.StatusBadRequest, "InvalidRequest", "The number of CORS rules should not exceed allowed limit of %d rules.", MaxCORSRules)
	}
	rules := make([]trustgate.CORSRule, 0, len(conf.Rules))
	for _, r := range conf.Rules {
		if len(r.AllowedMethod) == 0 || len(r.AllowedOrigin) == 0 || utf8.RuneCountInString(r.ID) > 255 ||
			(r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0) {
			return nil, malformedXML()
		}
		for _, m := range r.AllowedMethod {
			if !corsMethods[m] {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
			}
		}
		for _, o := range r.AllowedOrigin {
			if strings.Count(o, "*") > 1 {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "AllowedOrigin %q can not have more than one wildcard.", o)
			}
		}
		for _, h := range r.AllowedHeader {
			if strings.Count(h, "*") > 1 {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "AllowedHeader %q can not have more than one wildcard.", h)
			}
			if !isHeaderName(h) {
				return nil, errorf(http.StatusBadRequest, "InvalidRequest", "AllowedHeader %q contains invalid character.", h)
			}
		}
		rules = append(rules, trustgate.CORSRule{ID: r.ID, AllowedOrigins: r.AllowedOrigin, AllowedMethods: r.AllowedMethod,
			AllowedHeaders: r.AllowedHeader, ExposeHeaders: r.ExposeHeader, MaxAgeSeconds: r.MaxAgeSeconds})
	}
	return rules, nil
}

func (s *Service) getBucketCors(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketCORS")
	if err != nil {
		return err
	}
	if len(b.CORS) == 0 {
		return noCORSConfiguration(b)
	}
	out := corsConfiguration{Xmlns: Namespace}
	for _, r := range b.CORS {
		out.Rules = append(out.Rules, corsRule{ID: r.ID, AllowedHeader: r.AllowedHeaders, AllowedMethod: r.AllowedMethods,
			AllowedOrigin: r.AllowedOrigins, ExposeHeader: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds})
	}
	return writeXML(w, c, http.StatusOK, out)
}

func noCORSConfiguration(b *trustgate.Bucket) *Error {
	return errorf(http.StatusNotFound, "NoSuchCORSConfiguration", "The CORS configuration does not exist").with("BucketName", b.Name)
}

// deleteBucketCors removes the bucket's CORS configuration; S3 answers
// 204 whether it had one or not, and the action is the one that sets it.
func (s *Service) deleteBucketCors(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketCORS")
	if err != nil {
		return err
	}
	if len(b.CORS) > 0 {
		if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
			cur.CORS = nil
			return nil
		}); err != nil {
			return err
		}
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// wildcardMatch tells whether s is pattern, in which one * stands for any
// run of characters; fold compares without regard to case.
func wildcardMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	before, after, wild := strings.Cut(pattern, "*")
	if !wild {
		return pattern == s
	}
	return len(s) >= len(before)+len(after) && strings.HasPrefix(s, before) && strings.HasSuffix(s, after)
}

// maxAge is a rule's MaxAgeSeconds as a header value.
func maxAge(r *trustgate.CORSRule) string {
	if r.MaxAgeSeconds == nil {
		return ""
	}
	return strconv.Itoa(*r.MaxAgeSeconds)
}

// The headers of CORS, in the form http.Header keeps them.
const (
	originHeader         = "Origin"
	requestMethodHeader  = "Access-Control-Request-Method"
	requestHeadersHeader = "Access-Control-Request-Headers"
)

// preflight answers a browser's OPTIONS before a cross-origin request:
// whether a rule of the bucket's allows the request's origin, method and
// headers. It is not authenticated or authorized: a browser sends it
// without credentials, and it reads nothing but the bucket's rules.
func (s *Service) preflight(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	h := c.Request.Header
	origin, method := h.Get(originHeader), h.Get(requestMethodHeader)
	if origin == "" {
		return errorf(http.StatusBadRequest, "BadRequest", "Insufficient information. Origin request header needed.")
	}
	// Until rules are read, S3 names the bucket as the resource, and
	// OPTIONS as the method when none was requested.
	named := method
	if named == "" {
		named = http.MethodOptions
	}
	b, err := s.findBucket(ctx, c)
	if err != nil {
		if err.Code == "NoSuchBucket" {
			return errorf(http.StatusForbidden, "AccessForbidden", "CORSResponse: Bucket not found").
				with("Method", named).with("ResourceType", "BUCKET")
		}
		return err
	}
	if len(b.CORS) == 0 {
		return errorf(http.StatusForbidden, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.").
			with("Method", named).with("ResourceType", "BUCKET")
	}
	if !corsMethods[method] {
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid Access-Control-Request-Method: %s", method)
	}
	resourceType := "OBJECT"
	if c.key == "" {
		resourceType = "BUCKET"
	}
	requested := splitHeaderList(h.Get(requestHeadersHeader))
	for _, name := range requested {
		if !isHeaderName(name) {
			return errorf(http.StatusBadRequest, "BadRequest", "Access-Control-Request-Headers %q contains invalid character.", name)
		}
	}
	rule := matchingRule(b.CORS, origin, method, requested)
	if rule == nil {
		return errorf(http.StatusForbidden, "AccessForbidden", "CORSResponse: This CORS request is not allowed. "+
			"This is usually because the evalution of Origin, request method / Access-Control-Request-Method or "+
			"Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.").
			with("Method", method).with("ResourceType", resourceType)
	}
	setCORSHeaders(w.Header(), rule, origin)
	if len(requested) > 0 {
		w.Header().Set("Access-Control-Allow-Headers", strings.Join(requested, ", "))
	}
	w.Header().Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
	return writeEmpty(w, c, http.StatusOK)
}

// matchingRule is the first rule that allows origin, method and every
// one of the headers; nil when none does.
func matchingRule(rules []trustgate.CORSRule, origin, method string, headers []string) *trustgate.CORSRule {
	for i := range rules {
		r := &rules[i]
		if allowsOrigin(r, origin) && contains(r.AllowedMethods, method) && allowsHeaders(r, headers) {
			return r
		}
	}
	return nil
}

func allowsOrigin(r *trustgate.CORSRule, origin string) bool {
	for _, o := range r.AllowedOrigins {
		if wildcardMatch(o, origin, false) {
			return true
		}
	}
	return false
}

// allowsHeaders tells whether every header is one the rule allows;
// header names are not case-sensitive.
func allowsHeaders(r *trustgate.CORSRule, headers []string) bool {
next:
	for _, h := range headers {
		for _, allowed := range r.AllowedHeaders {
			if wildcardMatch(allowed, h, true) {
				continue next
			}
		}
		return false
	}
	return true
}

// splitHeaderList reads a comma-separated list of header names, lower
// case, without blanks.
func splitHeaderList(v string) []string {
	var out []string
	for _, name := range strings.Split(v, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// isHeaderName tells whether name is an HTTP header name (a token), or
// one with a * in it.
func isHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// setCORSHeaders puts what a rule tells a browser on an answer to a
// request from origin: a rule allowing every origin says so with *,
// and one naming origins names this one and lets credentials through.
func setCORSHeaders(h http.Header, r *trustgate.CORSRule, origin string) {
	if contains(r.AllowedOrigins, "*") {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(r.AllowedMethods, ", "))
	if len(r.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", "))
	}
	if age := maxAge(r); age != "" {
		h.Set("Access-Control-Max-Age", age)
	}
}

// corsHeaders are the CORS headers of the answer to a request with an
// Origin, by the bucket's first rule that allows its origin and method;
// nil when the request has no Origin or no rule allows it.
func (s *Service) corsHeaders(ctx context.Context, c *Call) http.Header {
	origin := c.Request.Header.Get(originHeader)
	if origin == "" || c.bucket == "" || c.Request.Method == http.MethodOptions {
		return nil
	}
	b, err := s.store.Bucket(ctx, c.bucket)
	if err != nil || len(b.CORS) == 0 {
		return nil
	}
	// An actual request that names a method or headers as a preflight
	// does is matched on those (note 73).
	method := c.Request.Method
	if m := c.Request.Header.Get(requestMethodHeader); m != "" {
		method = m
	}
	rule := matchingRule(b.CORS, origin, method, splitHeaderList(c.Request.Header.Get(requestHeadersHeader)))
	if rule == nil {
		return nil
	}
	h := http.Header{}
	setCORSHeaders(h, rule, origin)
	h.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
	return h
}
