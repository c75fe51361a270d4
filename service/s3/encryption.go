package s3api

import (
	"context"
	"encoding/xml"
	"net/http"

	"github.com/trustgate/trustgate"
)

// A bucket's default encryption (note 68): the encryption an object
// written without asking for one gets, S3 Bucket Keys, and the block on
// SSE-C writes that every bucket created since April 2026 has.

// The headers that ask for an encryption and name what an object has.
const (
	sseHeader       = "X-Amz-Server-Side-Encryption"
	kmsKeyHeader    = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	bucketKeyHeader = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
)

// customerKeyHeaders ask for SSE-C, of the object a request writes or
// reads; copySourceKeyHeaders give the key of a copy's source.
var (
	customerKeyHeaders = []string{"X-Amz-Server-Side-Encryption-Customer-Algorithm",
		"X-Amz-Server-Side-Encryption-Customer-Key", "X-Amz-Server-Side-Encryption-Customer-Key-Md5"}
	copySourceKeyHeaders = []string{"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm",
		"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key", "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-Md5"}
)

// encryptionConfiguration is the document of PutBucketEncryption and
// GetBucketEncryption.
type encryptionConfiguration struct {
	XMLName xml.Name         `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string           `xml:"xmlns,attr,omitempty"`
	Rules   []encryptionRule `xml:"Rule"`
}

type encryptionRule struct {
	ByDefault        *encryptionByDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool
	Blocked          *blockedEncryption `xml:"BlockedEncryptionTypes"`
}

type encryptionByDefault struct {
	SSEAlgorithm   string
	KMSMasterKeyID string `xml:",omitempty"`
}

type blockedEncryption struct {
	EncryptionType []string
}

// sseC is the one encryption a bucket can block.
const sseC = "SSE-C"

func (s *Service) putBucketEncryption(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutEncryptionConfiguration")
	if err != nil {
		return err
	}
	var conf encryptionConfiguration
	if err := readXML(c, &conf); err != nil {
		return err
	}
	if len(conf.Rules) != 1 {
		return malformedXML()
	}
	enc, keepsBlock, err := conf.Rules[0].encryption()
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if keepsBlock {
			enc.AllowCustomerKeys = cur.Encryption.AllowCustomerKeys
		}
		cur.Encryption = enc
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// encryption is the bucket encryption a rule sets, or its refusal;
// keepsBlock tells that the rule leaves SSE-C blocked or not as it was,
// naming no BlockedEncryptionTypes.
func (r encryptionRule) encryption() (enc trustgate.BucketEncryption, keepsBlock bool, err *Error) {
	enc.BucketKeyEnabled = r.BucketKeyEnabled
	if d := r.ByDefault; d != nil {
		switch d.SSEAlgorithm {
		case "AES256":
			if d.KMSMasterKeyID != "" {
				return enc, false, errorf(http.StatusBadRequest, "InvalidArgument",
					"a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse").
					with("ArgumentName", "ApplyServerSideEncryptionByDefault")
			}
		case "aws:kms", "aws:kms:dsse":
			// S3 does not check the key: a wrong one fails the writes.
			enc.Algorithm, enc.KMSKeyID = d.SSEAlgorithm, d.KMSMasterKeyID
		default:
			return enc, false, malformedXML()
		}
	}
	if r.Blocked == nil {
		return enc, true, nil
	}
	enc.AllowCustomerKeys = true
	for _, t := range r.Blocked.EncryptionType {
		switch t {
		case sseC:
			enc.AllowCustomerKeys = false
		case "NONE":
		default:
			return enc, false, malformedXML()
		}
	}
	return enc, false, nil
}

func (s *Service) getBucketEncryption(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetEncryptionConfiguration")
	if err != nil {
		return err
	}
	e := b.Encryption
	rule := encryptionRule{ByDefault: &encryptionByDefault{SSEAlgorithm: "AES256"}, BucketKeyEnabled: e.BucketKeyEnabled,
		Blocked: &blockedEncryption{EncryptionType: []string{sseC}}}
	if e.Algorithm != "" {
		rule.ByDefault = &encryptionByDefault{SSEAlgorithm: e.Algorithm, KMSMasterKeyID: e.KMSKeyID}
	}
	if e.AllowCustomerKeys {
		rule.Blocked.EncryptionType = []string{"NONE"}
	}
	return writeXML(w, c, http.StatusOK, encryptionConfiguration{Xmlns: Namespace, Rules: []encryptionRule{rule}})
}

// deleteBucketEncryption puts the bucket back on SSE-S3, leaving SSE-C
// blocked or not as it was.
func (s *Service) deleteBucketEncryption(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutEncryptionConfiguration")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Encryption = trustgate.BucketEncryption{AllowCustomerKeys: cur.Encryption.AllowCustomerKeys}
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// applyDefaultEncryption gives the stored headers of a new object whose
// request asks for no encryption the bucket's default; SSE-S3 is what an
// object with none stored has.
func applyDefaultEncryption(kept map[string]string, e trustgate.BucketEncryption) {
	if _, asked := kept[sseHeader]; asked || e.Algorithm == "" {
		return
	}
	kept[sseHeader] = e.Algorithm
	if e.KMSKeyID != "" {
		kept[kmsKeyHeader] = e.KMSKeyID
	}
	if e.BucketKeyEnabled {
		kept[bucketKeyHeader] = "true"
	}
}

// namesAny tells whether h has one of names.
func namesAny(h http.Header, names []string) bool {
	for _, n := range names {
		if _, ok := h[n]; ok {
			return true
		}
	}
	return false
}

// refuseCustomerKeys refuses an object write (op, on the call's object
// in b) that asks for SSE-C, once the caller may write. A bucket
// that blocks SSE-C refuses it as S3 does; one that takes it refuses it
// over plain HTTP, as S3 does, and over TLS because trustgate keeps no
// SSE-C object: a part is refused as S3 refuses SSE-C on a part of an
// upload created without it, and the rest is not implemented.
func refuseCustomerKeys(c *Call, b *trustgate.Bucket, op string) *Error {
	if !namesAny(c.Request.Header, customerKeyHeaders) {
		return nil
	}
	switch {
	case !b.Encryption.AllowCustomerKeys:
		return errorf(http.StatusForbidden, "AccessDenied",
			"User: %s is not authorized to perform: %s on resource: \"%s\" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type",
			c.Principal.ARN, op, b.ARN()+"/"+c.key)
	case c.Request.TLS == nil:
		return customerKeysOverHTTP()
	case op == "s3:UploadPart" || op == "s3:UploadPartCopy":
		return errorf(http.StatusBadRequest, "InvalidRequest",
			"The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.")
	}
	return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate does not implement server-side encryption with customer-provided keys (SSE-C)")
}

// customerKeysNotWritten refuses a call that gives an SSE-C key no
// object write checks (refuseCustomerKeys): a copy source's, or any on a
// request that writes no object. Over TLS, the key is for an object that
// has no SSE-C, as no object trustgate keeps has.
func customerKeysNotWritten(c *Call) *Error {
	h := c.Request.Header
	if !namesAny(h, copySourceKeyHeaders) && (!namesAny(h, customerKeyHeaders) || writesObject(c)) {
		return nil
	}
	if c.Request.TLS == nil {
		return customerKeysOverHTTP()
	}
	return errorf(http.StatusBadRequest, "InvalidRequest", "The encryption parameters are not applicable to this object.")
}

// writesObject tells whether the call is PutObject, CopyObject,
// UploadPart, UploadPartCopy or CreateMultipartUpload.
func writesObject(c *Call) bool {
	if c.key == "" {
		return false
	}
	switch c.Request.Method {
	case http.MethodPut:
		_, part := c.query["uploadId"]
		return part || !namesSubresource(c.query, objectSubresources)
	case http.MethodPost:
		_, create := c.query["uploads"]
		return create
	}
	return false
}

// customerKeysOverHTTP refuses a request that gives an SSE-C key over a
// connection without TLS.
func customerKeysOverHTTP() *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument",
		"Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.")
}
