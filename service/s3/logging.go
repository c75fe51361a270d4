package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/trustgate/trustgate"
)

// A bucket's server access logging configuration (note 79).

// bucketLoggingStatus is the document of PutBucketLogging and
// GetBucketLogging; no LoggingEnabled is logging off.
type bucketLoggingStatus struct {
	XMLName        xml.Name        `xml:"BucketLoggingStatus"`
	Xmlns          string          `xml:"xmlns,attr,omitempty"`
	LoggingEnabled *loggingEnabled `xml:",omitempty"`
}

type loggingEnabled struct {
	TargetBucket          *string
	TargetPrefix          *string
	TargetGrants          *struct{ Grant []struct{} } `xml:",omitempty"`
	TargetObjectKeyFormat *logKeyFormat               `xml:",omitempty"`
}

// logKeyFormat names one of the two ways of naming log objects.
type logKeyFormat struct {
	SimplePrefix      *struct{}          `xml:",omitempty"`
	PartitionedPrefix *partitionedPrefix `xml:",omitempty"`
}

type partitionedPrefix struct {
	PartitionDateSource string `xml:",omitempty"`
}

func (s *Service) putBucketLogging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketLogging")
	if err != nil {
		return err
	}
	var doc bucketLoggingStatus
	if err := readDocument(c, &doc); err != nil {
		return err
	}
	var logging *trustgate.BucketLogging
	if doc.LoggingEnabled != nil {
		if logging, err = s.loggingOf(ctx, b, doc.LoggingEnabled); err != nil {
			return err
		}
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Logging = logging
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// loggingOf is the logging of b a document asks for, refused as S3
// refuses it: a target bucket that does not exist, is another account's
// or in another region, or grants that a bucket without ACLs cannot take.
func (s *Service) loggingOf(ctx context.Context, b *trustgate.Bucket, l *loggingEnabled) (*trustgate.BucketLogging, *Error) {
	if l.TargetBucket == nil || *l.TargetBucket == "" {
		return nil, malformedXML()
	}
	logging := &trustgate.BucketLogging{TargetBucket: *l.TargetBucket, TargetPrefix: deref(l.TargetPrefix)}
	if f := l.TargetObjectKeyFormat; f != nil {
		switch {
		case (f.SimplePrefix == nil) == (f.PartitionedPrefix == nil):
			return nil, malformedXML()
		case f.SimplePrefix != nil:
			logging.KeyFormat = trustgate.SimplePrefix
		default:
			switch source := f.PartitionedPrefix.PartitionDateSource; source {
			case "", "EventTime", "DeliveryTime":
				logging.KeyFormat, logging.PartitionDateSource = trustgate.PartitionedPrefix, source
			default:
				return nil, malformedXML()
			}
		}
	}
	target, err := s.store.Bucket(ctx, logging.TargetBucket)
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		return nil, errorf(http.StatusBadRequest, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist").
			with("TargetBucket", logging.TargetBucket)
	case err != nil:
		return nil, internal(err)
	case target.Account != b.Account:
		return nil, errorf(http.StatusBadRequest, "InvalidTargetBucketForLogging", "The owner for the bucket to be logged and the target bucket must be the same.").
			with("TargetBucket", logging.TargetBucket)
	case target.Region != b.Region:
		e := errorf(http.StatusForbidden, "CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ")
		if b.Region != DefaultRegion {
			e.with("SourceBucketLocation", b.Region)
		}
		return nil, e.with("TargetBucketLocation", target.Region)
	case l.TargetGrants != nil && len(l.TargetGrants.Grant) > 0:
		// Every trustgate bucket has ACLs disabled (BucketOwnerEnforced).
		return nil, errorf(http.StatusBadRequest, "AccessControlListNotSupported", "Target grants not allowed for bucket owner enforced buckets")
	}
	return logging, nil
}

func (s *Service) getBucketLogging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketLogging")
	if err != nil {
		return err
	}
	doc := bucketLoggingStatus{Xmlns: Namespace}
	if l := b.Logging; l != nil {
		doc.LoggingEnabled = &loggingEnabled{TargetBucket: &l.TargetBucket, TargetPrefix: &l.TargetPrefix}
		switch l.KeyFormat {
		case trustgate.SimplePrefix:
			doc.LoggingEnabled.TargetObjectKeyFormat = &logKeyFormat{SimplePrefix: &struct{}{}}
		case trustgate.PartitionedPrefix:
			doc.LoggingEnabled.TargetObjectKeyFormat = &logKeyFormat{PartitionedPrefix: &partitionedPrefix{PartitionDateSource: l.PartitionDateSource}}
		}
	}
	return writeXML(w, c, http.StatusOK, doc)
}
