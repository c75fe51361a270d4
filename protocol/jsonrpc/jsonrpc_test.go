package jsonrpc_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/protocol/jsonrpc"
)

func request(method, target, contentType string) *http.Request {
	r := httptest.NewRequest(method, "/", nil)
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestDecode(t *testing.T) {
	const prefix = "AWSOrganizationsV20161128"
	tests := []struct {
		name, method, target, contentType, body string
		wantOp, wantErr                         string
	}{
		{"an operation", "POST", prefix + ".ListRoots", jsonrpc.ContentType, `{"MaxResults":5}`, "ListRoots", ""},
		{"an empty body is {}", "POST", prefix + ".DescribeOrganization", jsonrpc.ContentType, "", "DescribeOrganization", ""},
		{"another service's target", "POST", "AmazonSQS.ListQueues", jsonrpc.ContentType, "{}", "", "UnknownOperationException"},
		{"no target", "POST", "", jsonrpc.ContentType, "{}", "", "UnknownOperationException"},
		{"a GET", "GET", prefix + ".ListRoots", jsonrpc.ContentType, "", "", "UnknownOperationException"},
		{"a form", "POST", prefix + ".ListRoots", "application/x-www-form-urlencoded", "a=b", "", "SerializationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := jsonrpc.Decode(request(tt.method, tt.target, tt.contentType), []byte(tt.body), prefix)
			switch {
			case tt.wantErr != "" && (err == nil || err.Type != tt.wantErr || err.Status != http.StatusBadRequest):
				t.Errorf("Decode = %v, %v; want a 400 %s", req, err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || req.Operation != tt.wantOp):
				t.Errorf("Decode = %+v, %v; want operation %s", req, err, tt.wantOp)
			}
		})
	}
}

func TestParamsRefusesWrongShapes(t *testing.T) {
	req := &jsonrpc.Request{Operation: "ListRoots", Body: []byte(`{"MaxResults":"five"}`)}
	var in struct{ MaxResults int }
	if err := req.Params(&in); err == nil || err.Type != "SerializationException" {
		t.Errorf("Params of a string for an integer = %v; want SerializationException", err)
	}
}

func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	e := jsonrpc.Errorf(http.StatusBadRequest, "ConstraintViolationException", "too deep")
	e.Reason = "OU_DEPTH_LIMIT_EXCEEDED"
	jsonrpc.WriteError(w, "req-1", e)
	body := w.Body.String()
	if w.Code != 400 || w.Header().Get("X-Amzn-ErrorType") != "ConstraintViolationException" || w.Header().Get("x-amzn-RequestId") != "req-1" ||
		!strings.Contains(body, `"__type":"ConstraintViolationException"`) || !strings.Contains(body, `"Reason":"OU_DEPTH_LIMIT_EXCEEDED"`) {
		t.Errorf("WriteError wrote %d %v %s", w.Code, w.Header(), body)
	}
}
