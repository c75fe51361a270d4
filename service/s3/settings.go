package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
)

// Bucket settings trustgate does not let a bucket change: event
// notifications. Each reads as S3 answers for a bucket that never had it
// set (note 50), so that tools which read every setting of a bucket, as
// Terraform's aws_s3_bucket does on each plan, work; setting one is
// NotImplemented.

// bucketSetting is how one setting of a bucket reads: the action that
// authorizes the read, and the document S3 sends for a bucket without
// the setting.
type bucketSetting struct {
	action   string
	document any
}

// bucketSettings are the settings by the subresource that names them.
var bucketSettings = map[string]bucketSetting{
	"notification": {action: "s3:GetBucketNotification", document: unset("NotificationConfiguration")},
}

// unset is a setting's document with nothing set in it.
func unset(name string) any {
	return &struct {
		XMLName xml.Name
		Xmlns   string `xml:"xmlns,attr"`
	}{XMLName: xml.Name{Local: name}, Xmlns: Namespace}
}

// getBucketSetting answers the read of a setting, once the caller may
// read it.
func (s *Service) getBucketSetting(setting bucketSetting) handler {
	return func(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
		b, err := s.bucketFor(ctx, c)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, c, setting.action, b.ARN(), b, nil); err != nil {
			return err
		}
		return writeXML(w, c, http.StatusOK, setting.document)
	}
}

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
