package s3api

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
)

// The website endpoint (note 78): a bucket's objects served as a static
// website, as its website configuration says, to anonymous browsers.

// websiteRedirectHeader is an object's own redirect on a website.
const websiteRedirectHeader = "X-Amz-Website-Redirect-Location"

// websiteHost matches the host names of website endpoints:
// BUCKET.s3-website-REGION.amazonaws.com, BUCKET.s3-website.REGION.amazonaws.com,
// or BUCKET.s3-website.localhost here. A bucket whose name holds
// "s3-website" is not taken for one.
var websiteHost = regexp.MustCompile(`^(.+)\.s3-website(?:[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?|\.localhost)$`)

// websiteBucket is the bucket a website endpoint's host names.
func websiteBucket(host string) (string, bool) {
	if !strings.Contains(host, ".s3-website") && !strings.Contains(strings.ToLower(host), ".s3-website") {
		return "", false // every other request, without the expression
	}
	m := websiteHost.FindStringSubmatch(strings.ToLower(hostName(host)))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// IsWebsiteRequest tells whether a request is for a bucket's website
// endpoint, which serves browsers anonymously whatever they send.
func IsWebsiteRequest(r *http.Request) bool {
	_, ok := websiteBucket(r.Host)
	return ok
}

// websiteError is an error of the website endpoint: sent as an HTML page,
// and answered with the error document where the bucket has one.
type websiteError struct {
	*Error
	key string // the key the error is about, for the page
}

// serveWebsite answers a request to a bucket's website endpoint.
func (s *Service) serveWebsite(ctx context.Context, w http.ResponseWriter, c *Call, bucket string) *Error {
	c.bucket = bucket
	c.key = strings.TrimPrefix(c.Request.URL.Path, "/")
	c.query = nil // a website takes no subresources
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		e := methodNotAllowed(c, "OBJECT")
		writeWebsiteError(w, c, e, nil)
		return e
	}
	b, err := s.lookupBucket(ctx, c)
	if err != nil {
		writeWebsiteError(w, c, err, nil)
		return err
	}
	site := b.Website
	if site == nil {
		e := errorf(http.StatusNotFound, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration").with("BucketName", b.Name)
		writeWebsiteError(w, c, e, nil)
		return e
	}
	if all := site.RedirectAll; all != nil {
		redirect(w, c, http.StatusMovedPermanently, websiteScheme(c, all.Protocol)+"://"+all.HostName+locationPath(c.key)+query(c))
		return nil
	}
	asked := c.key
	for _, r := range site.RoutingRules {
		if r.Condition == nil || r.Condition.HTTPErrorCodeReturnedEquals == "" && asked != "" && strings.HasPrefix(asked, deref(r.Condition.KeyPrefixEquals)) {
			websiteRedirect(w, c, r, asked)
			return nil
		}
	}
	key := asked
	if key == "" || strings.HasSuffix(key, "/") {
		key += site.IndexSuffix
	}
	werr := s.serveWebsiteObject(ctx, w, c, key)
	for retries := 0; werr != nil && errors.Is(werr.Cause, errBodyReplaced) && retries < 3; retries++ {
		werr = s.serveWebsiteObject(ctx, w, c, key) // the key's new object, as a REST read is
	}
	if werr == nil {
		return nil
	}
	if (werr.Status == http.StatusNotFound || werr.Status == http.StatusForbidden) && key == asked {
		// A folder named without its slash (missing, or refused to a
		// caller who may not list the bucket): sent to the folder when it
		// has an index document.
		if _, o, err := s.objectFor(ctx, &Call{Principal: c.Principal, Request: c.Request, Origin: c.Origin, bucket: b.Name, key: key + "/" + site.IndexSuffix},
			"s3:GetObject"); err == nil && o != nil {
			redirect(w, c, http.StatusFound, locationPath(key+"/")+query(c))
			return nil
		}
	}
	if werr.Status < 400 || werr.Status > 499 {
		// Not the page's fault: no rule or error document answers it.
		writeWebsiteError(w, c, werr.Error, nil)
		return werr.Error
	}
	for _, r := range site.RoutingRules {
		if cond := r.Condition; cond != nil && cond.HTTPErrorCodeReturnedEquals == strconv.Itoa(werr.Status) && strings.HasPrefix(asked, deref(cond.KeyPrefixEquals)) {
			websiteRedirect(w, c, r, asked)
			return nil
		}
	}
	if site.ErrorKey == "" || c.Request.Method == http.MethodHead {
		writeWebsiteError(w, c, werr.Error, nil)
		return werr.Error
	}
	errorCall := &Call{Principal: c.Principal, Request: c.Request, RequestID: c.RequestID, Origin: c.Origin, bucket: b.Name, key: site.ErrorKey}
	_, doc, derr := s.objectFor(ctx, errorCall, "s3:GetObject")
	if derr != nil {
		writeWebsiteError(w, c, werr.Error, &websiteError{Error: derr, key: site.ErrorKey})
		return werr.Error
	}
	if to := doc.Headers[websiteRedirectHeader]; to != "" {
		redirect(w, c, http.StatusMovedPermanently, to)
		return nil
	}
	if err := s.writeWebsiteBody(w, doc, werr.Status); err != nil {
		writeWebsiteError(w, c, err, nil)
		return err
	}
	return werr.Error
}

// serveWebsiteObject answers with an object of the website, or returns
// the error a website answers for it.
func (s *Service) serveWebsiteObject(ctx context.Context, w http.ResponseWriter, c *Call, key string) *websiteError {
	oc := *c
	oc.key = key
	_, o, err := s.objectFor(ctx, &oc, "s3:GetObject")
	if err != nil {
		return &websiteError{Error: err, key: key}
	}
	c.objectSize = o.Size // for the access log, which has c
	if to := o.Headers[websiteRedirectHeader]; to != "" {
		redirect(w, c, http.StatusMovedPermanently, to)
		return nil
	}
	if err := s.serveObject(ctx, w, &oc, c.Request.Method == http.MethodGet); err != nil {
		for k := range w.Header() {
			if k != "X-Amzn-Requestid" {
				delete(w.Header(), k)
			}
		}
		return &websiteError{Error: err, key: key}
	}
	return nil
}

// writeWebsiteBody answers with an object's body under another status,
// as an error document is sent.
func (s *Service) writeWebsiteBody(w http.ResponseWriter, o *trustgate.Object, status int) *Error {
	body, closer, err := s.openBody(o)
	if err != nil {
		return internal(err)
	}
	defer closer.Close()
	contentType := o.ContentType
	if contentType == "" {
		contentType = "binary/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	h.Set("ETag", o.ETag)
	w.WriteHeader(status)
	// A failure now can only cut the body short, which the client sees.
	io.Copy(w, io.NewSectionReader(body, 0, o.Size))
	return nil
}

// websiteRedirect sends a request a routing rule took in where its
// redirect says: its host and protocol, or the request's, and its key,
// the prefix the rule matched replaced, or the request's.
func websiteRedirect(w http.ResponseWriter, c *Call, r trustgate.WebsiteRoutingRule, key string) {
	d := r.Redirect
	host := d.HostName
	if host == "" {
		host = c.Request.Host
	}
	switch {
	case d.ReplaceKeyWith != nil:
		key = *d.ReplaceKeyWith
	case d.ReplaceKeyPrefixWith != nil:
		prefix := ""
		if r.Condition != nil {
			prefix = deref(r.Condition.KeyPrefixEquals)
		}
		key = *d.ReplaceKeyPrefixWith + strings.TrimPrefix(key, prefix)
	}
	status := http.StatusMovedPermanently
	if n, err := strconv.Atoi(d.HTTPRedirectCode); err == nil {
		status = n
	}
	redirect(w, c, status, websiteScheme(c, d.Protocol)+"://"+host+locationPath(key)+query(c))
}

// locationPath is a key as the path of a redirect's Location: each
// segment escaped, and a leading slash of the key escaped too, so that
// the Location never names another host (//host/...).
func locationPath(key string) string {
	segments := strings.Split(key, "/")
	for i, seg := range segments {
		segments[i] = url.PathEscape(seg)
	}
	path := strings.Join(segments, "/")
	if strings.HasPrefix(path, "/") {
		path = "%2F" + path[1:]
	}
	return "/" + path
}

// query is the request's query string, kept on a redirect.
func query(c *Call) string {
	if q := c.Request.URL.RawQuery; q != "" {
		return "?" + q
	}
	return ""
}

// websiteScheme is a redirect's protocol, or the request's.
func websiteScheme(c *Call, protocol string) string {
	switch {
	case protocol != "":
		return protocol
	case c.Request.TLS != nil:
		return "https"
	}
	return "http"
}

func redirect(w http.ResponseWriter, c *Call, status int, location string) {
	h := w.Header()
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	h.Set("Location", location)
	h.Set("Content-Length", "0")
	w.WriteHeader(status)
}

// writeWebsiteError sends an error as the website endpoint does, an HTML
// page, with the error met reading the error document after it.
func writeWebsiteError(w http.ResponseWriter, c *Call, e *Error, errorDocument *websiteError) {
	h := w.Header()
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	for _, kv := range e.headers {
		h.Set(kv[0], kv[1])
	}
	h.Set("x-amz-error-code", e.Code)
	h.Set("x-amz-error-message", e.Message)
	h.Set("Content-Type", "text/html; charset=utf-8")
	title := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	var page strings.Builder
	page.WriteString("<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title + "</h1>\n<ul>\n")
	item := func(name, value string) {
		page.WriteString("<li>" + name + ": " + html.EscapeString(value) + "</li>\n")
	}
	item("Code", e.Code)
	item("Message", e.Message)
	for _, f := range e.Fields {
		item(f.XMLName.Local, f.Value)
	}
	item("RequestId", c.RequestID)
	item("HostId", hostID(c.RequestID))
	page.WriteString("</ul>\n")
	if d := errorDocument; d != nil {
		page.WriteString("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n")
		item("Code", d.Code)
		item("Message", d.Message)
		if d.Code == "NoSuchKey" || d.Code == "AccessDenied" {
			item("Key", d.key)
		}
		page.WriteString("</ul>\n")
	}
	page.WriteString("<hr/>\n</body>\n</html>\n")
	h.Set("Content-Length", strconv.Itoa(page.Len()))
	w.WriteHeader(e.Status)
	if c.Request.Method != http.MethodHead {
		w.Write([]byte(page.String()))
	}
}
