package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
)

// Transfer Acceleration (note 85): kept as S3 keeps it, for the tools
// that set it; trustgate's endpoint is the same either way.

type accelerateConfiguration struct {
	XMLName xml.Name `xml:"AccelerateConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:",omitempty"`
}

func (s *Service) putBucketAccelerate(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutAccelerateConfiguration")
	if err != nil {
		return err
	}
	var conf accelerateConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	if conf.Status != "Enabled" && conf.Status != "Suspended" {
		return malformedXML()
	}
	if strings.Contains(b.Name, ".") {
		return errorf(http.StatusBadRequest, "InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Accelerate = conf.Status
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketAccelerate(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetAccelerateConfiguration")
	if err != nil {
		return err
	}
	return writeXML(w, c, http.StatusOK, accelerateConfiguration{Xmlns: Namespace, Status: b.Accelerate})
}
