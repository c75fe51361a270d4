// Package jsonrpc is the AWS JSON 1.1 protocol that Organizations speaks:
// a POST whose X-Amz-Target header names the operation
// (AWSOrganizationsV20161128.CreateAccount) and whose body is a JSON
// object of its parameters, answered with a JSON object, or with an error
// whose __type names it.
package jsonrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate/authmsg"
)

// MaxBodySize is the largest request body accepted: policy documents, the
// largest parameters, are far smaller.
const MaxBodySize = 1 << 20

// ContentType is the media type of requests and answers.
const ContentType = "application/x-amz-json-1.1"

// Request is a decoded request: its operation, and its body to decode
// into the operation's input.
type Request struct {
	Operation string
	Body      []byte
}

// Decode reads a request from r, whose body is body, for the service
// whose X-Amz-Target prefix is prefix.
func Decode(r *http.Request, body []byte, prefix string) (*Request, *Error) {
	if r.Method != http.MethodPost {
		return nil, Errorf(http.StatusBadRequest, "UnknownOperationException", "The JSON protocol takes POST requests, not %s", r.Method)
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, prefix+".")
	if !ok || op == "" {
		return nil, Errorf(http.StatusBadRequest, "UnknownOperationException", "X-Amz-Target %q names no operation of %s", target, prefix)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != ContentType && ct != "application/json" {
		return nil, Errorf(http.StatusBadRequest, "SerializationException", "Content-Type %q is not supported; send %s", r.Header.Get("Content-Type"), ContentType)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	return &Request{Operation: op, Body: body}, nil
}

// Params decodes the request's body into v; a body of another shape is a
// SerializationException, as AWS answers it.
func (r *Request) Params(v any) *Error {
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	if err := dec.Decode(v); err != nil {
		return Errorf(http.StatusBadRequest, "SerializationException", "The request body is not a valid %s document: %v", r.Operation, err)
	}
	return nil
}

// Error is an AWS error as the JSON protocol sends it.
type Error struct {
	Status  int    // HTTP status
	Type    string // the exception's name, as __type
	Message string // safe to show the caller
	Cause   error  // for the server's log only; never sent
	// Reason, where the service gives one (ConstraintViolationException),
	// says which constraint.
	Reason string
	// Denial, for an access denial, says what decided, for the log.
	Denial *authmsg.Message
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Errorf builds an Error; the message is formatted like fmt.Sprintf.
func Errorf(status int, typ, format string, args ...any) *Error {
	return &Error{Status: status, Type: typ, Message: fmt.Sprintf(format, args...)}
}

// WriteError writes err.
func WriteError(w http.ResponseWriter, requestID string, err *Error) {
	body := struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
		Reason  string `json:"Reason,omitempty"`
	}{err.Type, err.Message, err.Reason}
	b, _ := json.Marshal(body)
	w.Header().Set("X-Amzn-ErrorType", err.Type)
	write(w, requestID, err.Status, b)
}

// WriteResult writes an operation's answer; nil writes {}.
func WriteResult(w http.ResponseWriter, requestID string, result any) error {
	if result == nil {
		write(w, requestID, http.StatusOK, []byte("{}"))
		return nil
	}
	b, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("encoding the answer: %w", err)
	}
	write(w, requestID, http.StatusOK, b)
	return nil
}

func write(w http.ResponseWriter, requestID string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	w.Write(body)
}

// ReadBody reads at most MaxBodySize bytes of the body.
func ReadBody(r io.Reader) ([]byte, *Error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodySize+1))
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "SerializationException", "Reading the request body failed: %v", err)
	}
	if len(b) > MaxBodySize {
		return nil, Errorf(http.StatusRequestEntityTooLarge, "SerializationException", "The request body is larger than %d bytes", MaxBodySize)
	}
	return b, nil
}
