// Package query is the AWS Query protocol that IAM and STS speak: a
// form-encoded request naming an Action and a Version, answered with an
// XML document, and errors as an XML ErrorResponse.
package query

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"github.com/trustgate/trustgate/authmsg"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// MaxBodySize is the largest request body accepted; IAM's largest
// parameters (policy documents) are far smaller.
const MaxBodySize = 1 << 20

// Request is a decoded Query request.
type Request struct {
	Action  string
	Version string
	Params  url.Values
}

// Get returns a parameter's value, "" when absent.
func (r *Request) Get(name string) string { return r.Params.Get(name) }

// Has reports whether a parameter was sent.
func (r *Request) Has(name string) bool { _, ok := r.Params[name]; return ok }

// Decode reads a Query request from the URL query (GET) or a
// form-encoded body (POST). body is the already-read request body.
func Decode(r *http.Request, body []byte) (*Request, *Error) {
	params := url.Values{}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		params = q
	} else {
		return nil, Errorf(http.StatusBadRequest, "MalformedQueryString", "The query string is not well formed: %v", err)
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "" && ct != "application/x-www-form-urlencoded" {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameterValue", "Content-Type %q is not supported; send application/x-www-form-urlencoded", ct)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, "MalformedQueryString", "The request body is not a well-formed form: %v", err)
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	req := &Request{Action: params.Get("Action"), Version: params.Get("Version"), Params: params}
	if req.Action == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingAction", "Missing Action")
	}
	return req, nil
}

// Error is an AWS error as the Query protocol sends it.
type Error struct {
	Status  int // HTTP status
	Code    string
	Message string // safe to show the caller
	Cause   error  // for the server's log only; never sent
	// Denial, for an AccessDenied, says what decided; the server's log
	// carries it encoded, for sts:DecodeAuthorizationMessage.
	Denial *authmsg.Message
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an Error; the message is formatted like fmt.Sprintf.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// MissingParameter answers a request that lacks a required parameter.
func MissingParameter(name string) *Error {
	return Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter %s", name)
}

// InvalidAction answers an action the service does not have.
func InvalidAction(action, version string) *Error {
	if version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	return Errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", action, version)
}

// ValidationError answers a parameter that breaks its constraints.
func ValidationError(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

// WriteError writes err as an ErrorResponse of the service namespace ns.
// A 5xx error is a Receiver fault, anything else the Sender's.
func WriteError(w http.ResponseWriter, ns, requestID string, err *Error) {
	faultType := "Sender"
	if err.Status >= 500 {
		faultType = "Receiver"
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>`, ns, faultType)
	xml.EscapeText(&b, []byte(err.Code))
	b.WriteString(`</Code><Message>`)
	xml.EscapeText(&b, []byte(err.Message))
	b.WriteString(`</Message></Error><RequestId>`)
	xml.EscapeText(&b, []byte(requestID))
	b.WriteString(`</RequestId></ErrorResponse>`)
	writeXML(w, err.Status, b.Bytes())
}

// WriteResult writes the answer to action: result is marshalled as the
// <ActionResult> element (nil for actions that return nothing), wrapped
// in <ActionResponse> with the ResponseMetadata.
func WriteResult(w http.ResponseWriter, ns, action, requestID string, result any) error {
	e := encoders.Get().(*encoder)
	b := &e.buf
	b.Reset()
	b.WriteString(xml.Header)
	fmt.Fprintf(b, `<%sResponse xmlns="%s">`, action, ns)
	if result != nil {
		if err := e.enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			// An encoder that failed may hold half an element: drop it.
			return fmt.Errorf("encoding %s result: %w", action, err)
		}
	}
	b.WriteString(`<ResponseMetadata><RequestId>`)
	xml.EscapeText(b, []byte(requestID))
	fmt.Fprintf(b, `</RequestId></ResponseMetadata></%sResponse>`, action)
	writeXML(w, http.StatusOK, b.Bytes())
	if b.Cap() <= maxPooledBuffer {
		encoders.Put(e)
	}
	return nil
}

// encoder is an XML encoder with the buffer it writes to, reused across
// responses: a new xml.Encoder allocates a 4 KiB buffer, which would be a
// good part of a small answer's cost.
type encoder struct {
	buf bytes.Buffer
	enc *xml.Encoder
}

// maxPooledBuffer bounds the buffers kept for reuse, so that one large
// listing does not hold its memory for good.
const maxPooledBuffer = 64 << 10

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = xml.NewEncoder(&e.buf)
	return e
}}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// ReadBody reads at most MaxBodySize bytes of the body.
func ReadBody(r io.Reader) ([]byte, *Error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodySize+1))
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "InvalidRequest", "Reading the request body failed: %v", err)
	}
	if len(b) > MaxBodySize {
		return nil, Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is larger than %d bytes", MaxBodySize)
	}
	return b, nil
}

// Members reads a list parameter in the Query encoding, Name.member.1,
// Name.member.2, ..., in order; it stops at the first gap.
func (r *Request) Members(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := r.Params[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok {
			return out
		}
		out = append(out, strings.Join(v, ""))
	}
}
