package s3api

import (
	"context"
	"net/http"
)

// The settings of a bucket that S3 ties to ACLs, which are disabled on
// every bucket here (BucketOwnerEnforced).

// putOwnershipControls takes the one Object Ownership trustgate's buckets
// have, BucketOwnerEnforced (ACLs disabled); the others, which turn ACLs
// back on, are NotImplemented.
func (s *Service) putOwnershipControls(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if _, err := s.bucketAllowed(ctx, c, "s3:PutBucketOwnershipControls"); err != nil {
		return err
	}
	var conf struct {
		Rule []struct{ ObjectOwnership string }
	}
	if err := readXML(c, &conf); err != nil {
		return err
	}
	if len(conf.Rule) != 1 {
		return malformedXML()
	}
	switch own := conf.Rule[0].ObjectOwnership; own {
	case "BucketOwnerEnforced":
		return writeEmpty(w, c, http.StatusOK)
	case "ObjectWriter", "BucketOwnerPreferred":
		return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate's buckets keep ACLs disabled: Object Ownership %s is not implemented", own)
	default:
		return malformedXML()
	}
}

// putBucketACL refuses every ACL, the canned private one included, as S3
// refuses them on a bucket whose ACLs are disabled, once the caller may
// set one.
func (s *Service) putBucketACL(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if _, err := s.bucketAllowed(ctx, c, "s3:PutBucketAcl"); err != nil {
		return err
	}
	return errorf(http.StatusBadRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
}
