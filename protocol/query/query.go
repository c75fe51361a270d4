// Package query is the AWS Query protocol that IAM and STS speak: a
// form-encoded request naming an Action and a Version, answered with an
// XML document, and errors as an XML ErrorResponse.
package query

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trustgate/trustgate/authmsg"
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
	var params url.Values
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, "MalformedQueryString", "The query string is not well formed: %v", err)
		}
		params = q
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		if ct := contentType(r); ct != "" && ct != formType {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameterValue", "Content-Type %q is not supported; send application/x-www-form-urlencoded", ct)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, "MalformedQueryString", "The request body is not a well-formed form: %v", err)
		}
		if params == nil {
			params = form
		} else {
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
	}
	if params == nil {
		params = url.Values{}
	}
	req := &Request{Action: params.Get("Action"), Version: params.Get("Version"), Params: params}
	if req.Action == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingAction", "Missing Action")
	}
	return req, nil
}

const formType = "application/x-www-form-urlencoded"

// contentType is the media type of r's body, without its parameters;
// the form type with UTF-8, as the SDKs send it, is read without parsing.
func contentType(r *http.Request) string {
	vs := r.Header["Content-Type"]
	if len(vs) == 0 {
		return ""
	}
	if v := vs[0]; v == formType || v == formType+"; charset=utf-8" {
		return formType
	}
	ct, _, _ := mime.ParseMediaType(vs[0])
	return ct
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

// InvalidMember answers a parameter that breaks one constraint of the
// service's model, in the words of AWS's validation.
func InvalidMember(value, member, constraint string) *Error {
	return ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

// Tag reads the Key and Value of the tag at prefix, such as
// Tags.member.1: present is false when the request has neither, and a
// tag with only one of them is an error naming the other under member,
// such as tags.1.member.
func (r *Request) Tag(prefix, member string) (key, value string, present bool, err *Error) {
	hasKey, hasValue := r.Has(prefix+".Key"), r.Has(prefix+".Value")
	switch {
	case !hasKey && !hasValue:
		return "", "", false, nil
	case !hasKey:
		return "", "", false, NullMember(member + ".key")
	case !hasValue:
		return "", "", false, NullMember(member + ".value")
	}
	return r.Get(prefix + ".Key"), r.Get(prefix + ".Value"), true, nil
}

// NullMember answers a required member of a structure the request
// left out, such as a tag's Value, in the words of AWS's validation.
func NullMember(member string) *Error {
	return ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// CheckLength refuses a value shorter than least or longer than most
// characters (not bytes), naming the bound it broke.
func CheckLength(value, member string, least, most int) *Error {
	switch n := utf8.RuneCountInString(value); {
	case n < least:
		return InvalidMember(value, member, "Member must have length greater than or equal to "+strconv.Itoa(least))
	case n > most:
		return InvalidMember(value, member, "Member must have length less than or equal to "+strconv.Itoa(most))
	}
	return nil
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
// in <ActionResponse> with the ResponseMetadata. A result that is an
// Appender writes its own elements.
func WriteResult(w http.ResponseWriter, ns, action, requestID string, result any) error {
	e := encoders.Get().(*encoder)
	b := &e.buf
	b.Reset()
	b.WriteString(xml.Header)
	writeTag(b, "<", action, `Response xmlns="`)
	b.WriteString(ns)
	b.WriteString(`">`)
	switch r := result.(type) {
	case nil:
	case Appender:
		writeTag(b, "<", action, "Result>")
		b.Write(r.AppendXML(b.AvailableBuffer()))
		writeTag(b, "</", action, "Result>")
	default:
		if err := e.enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			// An encoder that failed may hold half an element: drop it.
			return fmt.Errorf("encoding %s result: %w", action, err)
		}
	}
	b.WriteString(`<ResponseMetadata><RequestId>`)
	b.Write(AppendEscaped(b.AvailableBuffer(), requestID))
	writeTag(b, `</RequestId></ResponseMetadata></`, action, `Response>`)
	writeXML(w, http.StatusOK, b.Bytes())
	if b.Cap() <= maxPooledBuffer {
		encoders.Put(e)
	}
	return nil
}

// writeTag writes the three parts of a tag without joining them first.
func writeTag(b *bytes.Buffer, open, name, rest string) {
	b.WriteString(open)
	b.WriteString(name)
	b.WriteString(rest)
}

// An Appender is a result that writes its own XML, for the few answers
// on a hot path, where encoding/xml's reflection would be much of the
// cost. AppendXML appends the result's child elements to b exactly as
// encoding/xml would marshal them.
type Appender interface {
	AppendXML(b []byte) []byte
}

// AppendElement appends <name>value</name>, the value escaped as
// encoding/xml escapes character data.
func AppendElement(b []byte, name, value string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = AppendEscaped(b, value)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// AppendEscaped appends s escaped as xml.EscapeText escapes it.
func AppendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
			var esc bytes.Buffer
			xml.EscapeText(&esc, []byte(s))
			return append(b, esc.Bytes()...)
		}
	}
	return append(b, s...)
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

// textXML is the Content-Type of every answer, shared: net/http only
// reads a header's values.
var textXML = []string{"text/xml"}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = textXML
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
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
		v, ok := r.Params[name+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, strings.Join(v, ""))
	}
}
