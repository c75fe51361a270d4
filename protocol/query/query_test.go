package query_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/protocol/query"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		target   string
		body     string
		ct       string
		action   string
		wantCode string
	}{
		{"POST form", "POST", "/", "Action=GetCallerIdentity&Version=2011-06-15", "application/x-www-form-urlencoded; charset=utf-8", "GetCallerIdentity", ""},
		{"GET query", "GET", "/?Action=ListUsers&Version=2010-05-08", "", "", "ListUsers", ""},
		{"no action", "POST", "/", "Version=2011-06-15", "application/x-www-form-urlencoded", "", "MissingAction"},
		{"bad query string", "GET", "/?Action=%zz", "", "", "", "MalformedQueryString"},
		{"bad body", "POST", "/", "Action=%zz", "application/x-www-form-urlencoded", "", "MalformedQueryString"},
		{"JSON body", "POST", "/", `{"Action":"x"}`, "application/json", "", "InvalidParameterValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			req, err := query.Decode(r, []byte(tt.body))
			if tt.wantCode != "" {
				if err == nil || err.Code != tt.wantCode || err.Status != http.StatusBadRequest {
					t.Fatalf("Decode = %v, %v; want %s (400)", req, err, tt.wantCode)
				}
				return
			}
			if err != nil || req.Action != tt.action {
				t.Fatalf("Decode = %+v, %v; want action %s", req, err, tt.action)
			}
		})
	}
}

func TestMembers(t *testing.T) {
	r := httptest.NewRequest("GET", "/?Action=X&PolicyArns.member.1.arn=a&Names.member.2=b&Names.member.1=a&Names.member.4=d", nil)
	req, err := query.Decode(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Members("Names"); strings.Join(got, ",") != "a,b" {
		t.Errorf("Members(Names) = %q, want [a b] (stopping at the gap)", got)
	}
}

func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	query.WriteError(w, "https://iam.amazonaws.com/doc/2010-05-08/", "req-1",
		query.Errorf(404, "NoSuchEntity", "The user with name <alice> cannot be found."))
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
		`<Message>The user with name &lt;alice&gt; cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`
	if w.Code != 404 || w.Body.String() != want || w.Header().Get("Content-Type") != "text/xml" {
		t.Errorf("WriteError wrote %d %q\n%s\nwant 404\n%s", w.Code, w.Header().Get("Content-Type"), w.Body, want)
	}
	w = httptest.NewRecorder()
	query.WriteError(w, "ns", "req-2", query.Errorf(500, "InternalFailure", "oops"))
	if !strings.Contains(w.Body.String(), "<Type>Receiver</Type>") {
		t.Errorf("a 500 is not a Receiver fault: %s", w.Body)
	}
}

func TestWriteResult(t *testing.T) {
	type result struct {
		Arn     string
		UserId  string
		Account string
	}
	w := httptest.NewRecorder()
	err := query.WriteResult(w, "https://sts.amazonaws.com/doc/2011-06-15/", "GetCallerIdentity", "req-3",
		result{Arn: "arn:aws:iam::111111111111:root", UserId: "111111111111", Account: "111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
		`<Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account></GetCallerIdentityResult>` +
		`<ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
	if w.Code != 200 || w.Body.String() != want {
		t.Errorf("WriteResult wrote %d\n%s\nwant\n%s", w.Code, w.Body, want)
	}
}
