package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Attribute-based access control of a bucket (note 89): once its owner
// turns it on (PutBucketAbac), the bucket's tags are condition keys of
// every decision on the bucket and its objects, aws:ResourceTag/KEY and
// s3:BucketTag/KEY, and they change through S3 Control's TagResource
// and UntagResource alone, never PutBucketTagging, so that whoever may
// tag a bucket is decided with the tagging actions' own keys.

// abacStatus is the document of PutBucketAbac and GetBucketAbac.
type abacStatus struct {
	XMLName xml.Name         `xml:"AbacStatus"`
	Xmlns   string           `xml:"xmlns,attr,omitempty"`
	Status  string           `xml:",omitempty"`
	Unknown []unknownElement `xml:",any"`
}

func (s *Service) putBucketAbac(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketAbac")
	if err != nil {
		return err
	}
	var doc abacStatus
	if err := readDocument(c, &doc); err != nil {
		return err
	}
	if !known(doc.Unknown) || doc.Status != "Enabled" && doc.Status != "Disabled" {
		return malformedXML()
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.ABAC = doc.Status == "Enabled"
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketAbac(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketAbac")
	if err != nil {
		return err
	}
	out := abacStatus{Xmlns: Namespace, Status: "Disabled"}
	if b.ABAC {
		out.Status = "Enabled"
	}
	return writeXML(w, c, http.StatusOK, out)
}

// withBucketTags gives a decision on a bucket with ABAC on the bucket's
// tags as condition keys: keys with aws:ResourceTag/KEY and
// s3:BucketTag/KEY, in a copy of them, so that keys a call decides
// again on another bucket never carry this one's tags.
func withBucketTags(keys *policy.Context, b *trustgate.Bucket) *policy.Context {
	if b == nil || !b.ABAC || len(b.Tags) == 0 {
		return keys
	}
	keys = keys.Clone()
	for _, t := range b.Tags {
		keys.Set("aws:ResourceTag/"+t.Key, t.Value)
		keys.Set("s3:BucketTag/"+t.Key, t.Value)
	}
	return keys
}

// abacTagging refuses PutBucketTagging and DeleteBucketTagging on a
// bucket with ABAC on, whose tags only TagResource and UntagResource
// change.
func abacTagging(b *trustgate.Bucket) *Error {
	if !b.ABAC {
		return nil
	}
	return errorf(http.StatusBadRequest, "InvalidRequest",
		"The bucket %s has attribute-based access control (ABAC) enabled: change its tags with S3 Control's TagResource and UntagResource, not PutBucketTagging or DeleteBucketTagging.", b.Name)
}

// serveBucketTags answers S3 Control's tagging of the account's bucket
// name, decided on the bucket's ARN with its policy, its tags among the
// keys when ABAC is on.
func (s *Service) serveBucketTags(ctx context.Context, w http.ResponseWriter, c *Call, account, name string, tc tagChange) *Error {
	b, err := s.store.Bucket(ctx, name)
	if err == nil && b.Account != account {
		// S3 Control serves an account's own buckets; another's is
		// decided as one it does not have.
		b, err = nil, trustgate.ErrNotFound
	}
	if err != nil && !errors.Is(err, trustgate.ErrNotFound) {
		return internal(err)
	}
	if aerr := s.authorize(ctx, c, tc.action, "arn:aws:s3:::"+name, b, tc.keys); aerr != nil {
		return aerr
	}
	if b == nil {
		return noSuchBucket(name)
	}
	return tc.answer(w, c, b.Tags, func(retag func(*[]trustgate.Tag) *Error) *Error {
		return s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error { return retag(&cur.Tags) })
	})
}
