package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/blobs"
	"github.com/trustgate/trustgate/sigv4"
)

// Error is an S3 error: its code, HTTP status and message, sent as S3's
// <Error> document (or the status alone, for HEAD).
type Error struct {
	Status  int
	Code    string
	Message string
	// Fields are further elements of the document, such as BucketName or
	// Key, in order.
	Fields []field
	// Cause is for the server's log only.
	Cause  error
	denial *authmsg.Message
	// headers are answer headers the error is sent with, such as
	// x-amz-delete-marker.
	headers [][2]string
}

type field struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Denial is what decided an AccessDenied, for the request log.
func (e *Error) Denial() *authmsg.Message { return e.denial }

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// with adds an element to the error document.
func (e *Error) with(name, value string) *Error {
	e.Fields = append(e.Fields, field{XMLName: xml.Name{Local: name}, Value: value})
	return e
}

// withHeader adds a header to the answer that sends the error.
func (e *Error) withHeader(name, value string) *Error {
	e.headers = append(e.headers, [2]string{name, value})
	return e
}

func internal(err error) *Error {
	e := errorf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	e.Cause = err
	return e
}

// methodNotAllowed refuses the call's method on a resource of the type
// named, which does not take it.
func methodNotAllowed(c *Call, resourceType string) *Error {
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.").
		with("Method", c.Request.Method).with("ResourceType", resourceType)
}

func noSuchBucket(name string) *Error {
	return errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", name)
}

func noSuchKey(key string) *Error {
	return errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.").with("Key", key)
}

// storeError maps a store error about the call's bucket or object.
func storeError(err error, c *Call) *Error {
	switch {
	case errors.Is(err, trustgate.ErrLocked):
		return lockedVersion()
	case errors.Is(err, trustgate.ErrNotFound) && c.key != "":
		return noSuchKey(c.key)
	case errors.Is(err, trustgate.ErrNotFound):
		return noSuchBucket(c.bucket)
	}
	return internal(err)
}

// write sends the error: a HEAD gets the status alone, as S3 sends it.
func (e *Error) write(w http.ResponseWriter, c *Call) {
	h := w.Header()
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	for _, kv := range e.headers {
		h.Set(kv[0], kv[1])
	}
	if c.Request.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	type errorElement struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
		Fields  []field
	}
	inner := errorElement{Code: e.Code, Message: e.Message, Fields: e.Fields}
	var doc any = struct {
		errorElement
		RequestId string
		HostId    string
	}{inner, c.RequestID, hostID(c.RequestID)}
	if c.control {
		// S3 Control wraps the error in an ErrorResponse.
		doc = struct {
			XMLName   xml.Name `xml:"ErrorResponse"`
			Error     errorElement
			RequestId string
			HostId    string
		}{Error: inner, RequestId: c.RequestID, HostId: hostID(c.RequestID)}
	}
	body, err := xml.Marshal(doc)
	if err != nil {
		body = []byte("<Error><Code>InternalError</Code></Error>")
	}
	body = append([]byte(xml.Header), body...)
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	w.Write(body)
}

// hostID is the x-amz-id-2 of a request: S3's extended request id.
func hostID(requestID string) string {
	return "trustgate/" + requestID
}

// writeXML sends a successful XML document.
func writeXML(w http.ResponseWriter, c *Call, status int, v any) *Error {
	body, err := xml.Marshal(v)
	if err != nil {
		return internal(err)
	}
	body = append([]byte(xml.Header), body...)
	h := w.Header()
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
	return nil
}

// writeEmpty sends a success without a body.
func writeEmpty(w http.ResponseWriter, c *Call, status int) *Error {
	h := w.Header()
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	w.WriteHeader(status)
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// RefuseAuthentication answers a request that failed authentication
// with the reply S3 gives for it (see sigv4.Reply), and keeps its access
// log record when it was on a bucket with logging, as S3 logs refused
// requests too: by no requester, as none was authenticated. started is
// when the request came.
func (s *Service) RefuseAuthentication(ctx context.Context, w http.ResponseWriter, r *http.Request, requestID string, reply sigv4.Reply, form *PostForm, started time.Time) {
	c := &Call{Request: r, RequestID: requestID, control: isControlRequest(r), Form: form}
	e := fromReply(reply)
	e.write(w, c)
	if _, website := websiteBucket(r.Host); c.control || website {
		return
	}
	c.bucket, c.key = address(r)
	if form != nil {
		c.key = form.fields["key"] // the object the form would have written
	}
	if c.bucket == "" {
		return
	}
	c.query = r.URL.Query()
	if s.findAccessPoint(ctx, c) != nil {
		return
	}
	b, err := s.store.Bucket(ctx, c.bucket)
	if err != nil || b.Logging == nil || (c.accessPoint != nil && !c.accessPoint.LeadsTo(b)) {
		return // no log, or not the bucket the access point was made for
	}
	c.logged = b
	s.RecordAccess(c, Served{Status: e.Status, Started: started, Answered: time.Since(started), ErrCode: e.Code})
}

// fromReply is the S3 error of a verification's reply, its elements
// included.
func fromReply(reply sigv4.Reply) *Error {
	e := &Error{Status: reply.Status, Code: reply.Code, Message: reply.Message}
	for _, f := range reply.Fields {
		e.with(f.Name, f.Value)
	}
	return e
}

// readError answers a request whose body could not be read whole: the
// verifier's own error when the body broke its signature, hash or
// framing, IncompleteBody when the client sent less than it declared.
func readError(err error) *Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return fromReply(se.Reply("s3"))
	}
	var refused *Error // a body refused as it was read (a form's size range)
	if errors.As(err, &refused) {
		return refused
	}
	return errorf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
}

// blobError answers a body the blob store failed to keep: the client's
// fault when reading it failed, trustgate's (InternalError) otherwise.
func blobError(err error) *Error {
	var re *blobs.ReadError
	if errors.As(err, &re) {
		return readError(re.Err)
	}
	return internal(err)
}

// IsS3Request reports whether a request that names no service in a
// credential scope is for S3: one that is not a Query call (Action) or a
// JSON one (X-Amz-Target). An unsigned S3 request is anonymous, for
// policies to decide; the other services answer every unsigned request
// with MissingAuthenticationToken.
func IsS3Request(r *http.Request) bool {
	if r.URL.Query().Has("Action") || r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	ct := r.Header.Get("Content-Type")
	return !(r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded") && r.URL.Path == "/")
}
