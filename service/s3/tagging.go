package s3api

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Tag quotas of S3.
const (
	MaxBucketTags = 50
	MaxObjectTags = 10
)

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  struct {
		Tag []trustgate.Tag
	}
}

// readTagging reads the Tagging document of PutBucketTagging or
// PutObjectTagging and applies S3's rules to its tags, of which there may
// be at most max; what names the resource as checkTags does. S3's schema
// requires both the Key and the Value of a Tag: one without its Value is
// MalformedXML, not a tag whose value is empty (note 72).
func readTagging(c *Call, max int, what string) ([]trustgate.Tag, *Error) {
	var doc struct {
		XMLName xml.Name `xml:"Tagging"`
		TagSet  struct {
			Tag []struct{ Key, Value *string }
		}
	}
	if err := readDocument(c, &doc); err != nil {
		return nil, err
	}
	tags := make([]trustgate.Tag, 0, len(doc.TagSet.Tag))
	for _, t := range doc.TagSet.Tag {
		if t.Key == nil || t.Value == nil {
			return nil, malformedXML()
		}
		tags = append(tags, trustgate.Tag{Key: *t.Key, Value: *t.Value})
	}
	return tags, checkTags(tags, max, what)
}

// checkTags applies S3's rules to a tag set of at most max tags; what
// names the resource in the error for too many ("Bucket", "Object").
func checkTags(tags []trustgate.Tag, max int, what string) *Error {
	seen := map[string]bool{}
	for _, tag := range tags {
		keyChars, valueChars := utf8.RuneCountInString(tag.Key), utf8.RuneCountInString(tag.Value)
		switch {
		case keyChars < 1 || keyChars > 128 || !trustgate.TagKeyPattern.MatchString(tag.Key):
			return errorf(http.StatusBadRequest, "InvalidTag", "The TagKey you have provided is invalid")
		case valueChars > 256 || !trustgate.TagValuePattern.MatchString(tag.Value):
			return errorf(http.StatusBadRequest, "InvalidTag", "The TagValue you have provided is invalid")
		case strings.HasPrefix(tag.Key, "aws:"):
			return errorf(http.StatusBadRequest, "InvalidTag", "System tags cannot be added/updated by requester")
		case seen[tag.Key]:
			return errorf(http.StatusBadRequest, "InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		seen[tag.Key] = true
	}
	if len(tags) > max {
		// S3's two messages differ in more than the kind.
		if what == "Bucket" {
			return errorf(http.StatusBadRequest, "BadRequest", "Bucket tag count cannot be greater than %d", max)
		}
		return errorf(http.StatusBadRequest, "BadRequest", "%s tags cannot be greater than %d", what, max)
	}
	return nil
}

// headerTags reads the x-amz-tagging header of PutObject, CopyObject and
// CreateMultipartUpload: tags as a URL-encoded query string.
func headerTags(h http.Header) ([]trustgate.Tag, *Error) {
	v := h.Get("x-amz-tagging")
	if v == "" {
		return nil, nil
	}
	bad := errorf(http.StatusBadRequest, "InvalidArgument",
		"The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.").
		with("ArgumentName", "x-amz-tagging").with("ArgumentValue", v)
	var tags []trustgate.Tag
	seen := map[string]bool{}
	for _, pair := range strings.Split(v, "&") {
		k, val, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil || seen[key] {
			return nil, bad
		}
		seen[key] = true
		tags = append(tags, trustgate.Tag{Key: key, Value: value})
	}
	return tags, checkTags(tags, MaxObjectTags, "Object")
}

// setRequestTags puts the tags a request gives an object into its
// condition keys: s3:RequestObjectTag/KEY and s3:RequestObjectTagKeys.
func setRequestTags(keys *policy.Context, tags []trustgate.Tag) {
	if len(tags) == 0 {
		return
	}
	var names []string
	for _, t := range tags {
		keys.Set("s3:RequestObjectTag/"+t.Key, t.Value)
		names = append(names, t.Key)
	}
	keys.Set("s3:RequestObjectTagKeys", names...)
}

// headerKey is a request header whose value is the condition key of
// the same name.
type headerKey struct{ header, key string }

// setHeaderKeys sets the condition key of each header of the table that
// the request has.
func setHeaderKeys(keys *policy.Context, h http.Header, table []headerKey) {
	for _, k := range table {
		if v := h[k.header]; len(v) > 0 && v[0] != "" {
			keys.Set(k.key, v[0])
		}
	}
}

// writeHeaderKeys are the headers of an object write that are condition
// keys of the same name, the headers as http.Header keeps them, so that
// no request works their names out again.
var writeHeaderKeys = []headerKey{
	{"X-Amz-Acl", "s3:x-amz-acl"},
	{"X-Amz-Server-Side-Encryption", "s3:x-amz-server-side-encryption"},
	{"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "s3:x-amz-server-side-encryption-aws-kms-key-id"},
	{"X-Amz-Storage-Class", "s3:x-amz-storage-class"},
	{"X-Amz-Metadata-Directive", "s3:x-amz-metadata-directive"},
}

// writeKeys are the condition keys an object write (PutObject,
// CopyObject, CreateMultipartUpload) takes from its headers (note 52),
// and the refusal of an encryption S3 does not know; CopyObject adds its
// source's, and writeLock those of Object Lock. creates tells whether
// the write makes the object (see creationKeys).
func writeKeys(h http.Header, creates bool) (*policy.Context, *Error) {
	keys := creationKeys(h, creates)
	setHeaderKeys(keys, h, writeHeaderKeys)
	switch sse := h.Get("X-Amz-Server-Side-Encryption"); sse {
	case "", "AES256":
		if h.Get(kmsKeyHeader) != "" {
			// A KMS key is for SSE-KMS, which the write must ask for.
			if sse == "" {
				sse = "null"
			}
			return nil, errorf(http.StatusBadRequest, "InvalidArgument",
				"Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms").
				with("ArgumentName", "x-amz-server-side-encryption").with("ArgumentValue", sse)
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "The encryption method specified is not supported").
			with("ArgumentName", "x-amz-server-side-encryption").with("ArgumentValue", sse)
	}
	return keys, nil
}

// creationKeys are the condition keys of a conditional write (note 58):
// s3:ObjectCreationOperation, true for a request that makes an object
// (PutObject, CopyObject, CompleteMultipartUpload) and false for the
// steps of a multipart upload before it, which take no conditional
// headers; and for the first kind, s3:if-none-match and s3:if-match
// from those headers.
func creationKeys(h http.Header, creates bool) *policy.Context {
	keys := policy.NewContext()
	if !creates {
		keys.Set("s3:ObjectCreationOperation", "false")
		return keys
	}
	keys.Set("s3:ObjectCreationOperation", "true")
	if v := h.Get("If-None-Match"); v != "" {
		keys.Set("s3:if-none-match", v)
	}
	if v := h.Get("If-Match"); v != "" {
		keys.Set("s3:if-match", v)
	}
	return keys
}

// objectKeys are the condition keys of an action on an existing object:
// s3:ExistingObjectTag/KEY for each of its tags.
func objectKeys(o *trustgate.Object) *policy.Context {
	keys := policy.NewContext()
	if o != nil {
		for _, t := range o.Tags {
			keys.Set("s3:ExistingObjectTag/"+t.Key, t.Value)
		}
	}
	return keys
}

func (s *Service) putObjectTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	tags, err := readTagging(c, MaxObjectTags, "Object")
	if err != nil {
		return err
	}
	keys := func(o *trustgate.Object) *policy.Context {
		k := objectKeys(o)
		setRequestTags(k, tags)
		return k
	}
	b, o, err := s.objectWith(ctx, c, "s3:PutObjectTagging", keys)
	if err != nil {
		return err
	}
	if err := s.store.SetObjectTags(ctx, b.Name, o.Key, o.VersionID, tags); err != nil {
		return storeError(err, c)
	}
	if err := s.replicateChange(ctx, b, o); err != nil {
		return err
	}
	setVersion(w.Header(), b, o)
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getObjectTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, o, err := s.objectWith(ctx, c, "s3:GetObjectTagging", objectKeys)
	if err != nil {
		return err
	}
	out := tagging{Xmlns: Namespace}
	out.TagSet.Tag = o.Tags
	setVersion(w.Header(), b, o)
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) deleteObjectTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, o, err := s.objectWith(ctx, c, "s3:DeleteObjectTagging", objectKeys)
	if err != nil {
		return err
	}
	if err := s.store.SetObjectTags(ctx, b.Name, o.Key, o.VersionID, nil); err != nil {
		return storeError(err, c)
	}
	if err := s.replicateChange(ctx, b, o); err != nil {
		return err
	}
	setVersion(w.Header(), b, o)
	return writeEmpty(w, c, http.StatusNoContent)
}

// setTagCount sets x-amz-tagging-count, which GetObject and HeadObject
// answer for a tagged object.
func setTagCount(h http.Header, o *trustgate.Object) {
	if len(o.Tags) > 0 {
		h.Set("x-amz-tagging-count", strconv.Itoa(len(o.Tags)))
	}
}
