package s3api

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Requester Pays (note 84): a bucket whose requesters of other accounts
// pay for their requests, and say so on each.

type requestPaymentConfiguration struct {
	XMLName xml.Name `xml:"RequestPaymentConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Payer   string
}

// requesterPayer is the value of x-amz-request-payer, header or query
// parameter, by which a requester agrees to pay.
const requesterPayer = "requester"

func (s *Service) putBucketRequestPayment(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketRequestPayment")
	if err != nil {
		return err
	}
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	var conf requestPaymentConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	if conf.Payer != "Requester" && conf.Payer != "BucketOwner" {
		return malformedXML()
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.RequesterPays = conf.Payer == "Requester"
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketRequestPayment(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketRequestPayment")
	if err != nil {
		return err
	}
	conf := requestPaymentConfiguration{Xmlns: Namespace, Payer: "BucketOwner"}
	if b.RequesterPays {
		conf.Payer = "Requester"
	}
	return writeXML(w, c, http.StatusOK, conf)
}

// checkRequesterPays refuses a request on a Requester Pays bucket from
// outside its owner's account that does not agree to pay, and every
// anonymous one, as S3 does; a request that agrees is charged.
func checkRequesterPays(c *Call, b *trustgate.Bucket) *Error {
	if !b.RequesterPays || c.Principal.Kind != policy.Anonymous && c.Principal.Account == b.Account || !paidOperation(c) {
		return nil
	}
	if c.Principal.Kind == policy.Anonymous || !agreesToPay(c.Request) {
		return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	c.charged = true
	return nil
}

// paidOperation tells whether the call is one a requester pays for: on
// objects, uploads, and listings, the operations that take
// x-amz-request-payer in S3's service model. The calls on a bucket's
// settings take none; its owner's policies decide them alone.
func paidOperation(c *Call) bool {
	if c.key != "" || c.copySource {
		return true
	}
	r := c.Request
	switch {
	case r.Method == http.MethodPost:
		return true // DeleteObjects, and POST Object
	case r.Method != http.MethodGet:
		return false
	}
	_, versions := c.query["versions"]
	_, uploads := c.query["uploads"]
	return versions || uploads || !namesSubresource(c.query, bucketSubresources)
}

// agreesToPay tells whether a request says its requester pays.
func agreesToPay(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("x-amz-request-payer"), requesterPayer) ||
		strings.EqualFold(r.URL.Query().Get("x-amz-request-payer"), requesterPayer)
}

// chargedWriter names on an answer that its requester was charged, once
// the call found it was.
type chargedWriter struct {
	http.ResponseWriter
	c       *Call
	written bool
}

func (w *chargedWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		if w.c.charged {
			w.Header().Set("x-amz-request-charged", requesterPayer)
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *chargedWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom passes io.Copy through to the writer underneath, as the
// server's own writer does.
func (w *chargedWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{w.ResponseWriter}, src)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *chargedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
