package s3api

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// Bucket versioning (note 75): a bucket's state, the version each write
// makes, and the delete markers a delete leaves on a versioned bucket.

// versionHeader names the version a request wrote, read or deleted.
const (
	versionHeader      = "X-Amz-Version-Id"
	deleteMarkerHeader = "X-Amz-Delete-Marker"
)

// nullVersion is how S3 names the null version on the wire.
const nullVersion = "null"

// versioningConfiguration is the document of PutBucketVersioning and
// GetBucketVersioning.
type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:",omitempty"`
	MfaDelete string   `xml:",omitempty"`
}

func (s *Service) putBucketVersioning(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketVersioning")
	if err != nil {
		return err
	}
	var conf versioningConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	state := trustgate.Versioning(conf.Status)
	switch {
	case conf.Status == "" && conf.MfaDelete == "":
		return errorf(http.StatusBadRequest, "IllegalVersioningConfigurationException", "The Versioning element must be specified")
	case state != trustgate.VersioningEnabled && state != trustgate.VersioningSuspended:
		// No status returns a bucket to unversioned: once enabled,
		// versioning can only be suspended.
		return malformedXML()
	}
	switch conf.MfaDelete {
	case "", "Disabled":
	case "Enabled":
		// MFA delete asks for the root user's MFA code on every version
		// deleted; trustgate does not take x-amz-mfa.
		return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate does not implement MFA delete; set MfaDelete to Disabled or leave it out")
	default:
		return malformedXML()
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if cur.ObjectLock.Enabled && state != trustgate.VersioningEnabled {
			return errorf(http.StatusConflict, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
		}
		if cur.Replication != nil && state != trustgate.VersioningEnabled {
			return errorf(http.StatusConflict, "InvalidBucketState", "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.")
		}
		cur.Versioning = state
		if conf.MfaDelete != "" {
			cur.MFADelete = conf.MfaDelete
		}
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getBucketVersioning(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketVersioning")
	if err != nil {
		return err
	}
	return writeXML(w, c, http.StatusOK, versioningConfiguration{Xmlns: Namespace, Status: string(b.Versioning), MfaDelete: b.MFADelete})
}

// A version id is 32 characters, as long as S3's, of an alphabet that
// needs no escaping in a query: 26 random ones and 6 that carry their
// CRC-32, so that an id trustgate did not make is told from one it made
// and has since deleted, as S3 tells them apart (note 75).
const (
	versionIDLength = 32
	versionRandom   = 26
	versionAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
)

// newVersionID names a new version.
func newVersionID() string {
	b := make([]byte, versionIDLength)
	rand.Read(b[:versionRandom])
	for i := range versionRandom {
		b[i] = versionAlphabet[b[i]%byte(len(versionAlphabet))]
	}
	versionCheck(b)
	return string(b)
}

// versionCheck writes the CRC-32 of an id's random characters into its
// last six, six bits to a character.
func versionCheck(id []byte) {
	sum := crc32.ChecksumIEEE(id[:versionRandom])
	for i := versionRandom; i < versionIDLength; i++ {
		id[i] = versionAlphabet[sum&63]
		sum >>= 6
	}
}

// parseVersion reads a version id of a request: "null" is the null
// version; anything but null and the ids trustgate makes is refused, as
// S3 refuses an id it could not have made, naming the parameter.
func parseVersion(argument, v string) (string, *Error) {
	if v == nullVersion {
		return trustgate.NullVersion, nil
	}
	if len(v) != versionIDLength || strings.Trim(v, versionAlphabet) != "" {
		return "", invalidVersion(argument, v)
	}
	id := []byte(v)
	versionCheck(id)
	if string(id) != v {
		return "", invalidVersion(argument, v)
	}
	return v, nil
}

// wireVersion is how S3 names a version.
func wireVersion(v string) string {
	if v == trustgate.NullVersion {
		return nullVersion
	}
	return v
}

// versionFor is the version a write to b makes: a new one while
// versioning is enabled, the null version otherwise.
func versionFor(b *trustgate.Bucket) string {
	if b.Versioning == trustgate.VersioningEnabled {
		return newVersionID()
	}
	return trustgate.NullVersion
}

// setVersion names o's version on an answer, as S3 does for a bucket
// that has had versioning enabled, the null version included.
func setVersion(h http.Header, b *trustgate.Bucket, o *trustgate.Object) {
	if b.Versioning != trustgate.Unversioned {
		h[versionHeader] = []string{wireVersion(o.VersionID)}
	}
}

// setNewVersion names the version a PutObject or a completed upload
// made, which S3 leaves out for a null version.
func setNewVersion(h http.Header, o *trustgate.Object) {
	if o.VersionID != trustgate.NullVersion {
		h[versionHeader] = []string{o.VersionID}
	}
}

// noVersionTaken refuses a versionId on a call that writes a part,
// which has no version to name (its copy source may name one).
func noVersionTaken(c *Call) *Error {
	if _, ok := c.query["versionId"]; ok {
		return errorf(http.StatusBadRequest, "InvalidArgument", "This operation does not accept a version-id.").
			with("ArgumentName", "versionId").with("ArgumentValue", c.query.Get("versionId"))
	}
	return nil
}

// taggingActions refuse a key whose latest version is a delete marker
// as a read of the marker would be refused, not as a missing key.
var taggingActions = setOf("s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging")

// noSuchVersion refuses a version the key does not have.
func noSuchVersion(key, version string) *Error {
	return errorf(http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.").
		with("Key", key).with("VersionId", wireVersion(version))
}

// deleteMarkerRead refuses a read of a delete marker named by its
// version: there is nothing to read.
func deleteMarkerRead(c *Call, marker *trustgate.Object) *Error {
	return methodNotAllowed(c, "DeleteMarker").
		withHeader(deleteMarkerHeader, "true").withHeader(versionHeader, wireVersion(marker.VersionID)).
		withHeader("Allow", http.MethodDelete).withHeader("Last-Modified", httpTime(marker.LastModified))
}

// copySourceObject authorizes the read of a copy's source and returns
// it, with its bucket. A source that names a delete marker's version is
// the copy's mistake, not a read refused.
func (s *Service) copySourceObject(ctx context.Context, src *Call) (*trustgate.Bucket, *trustgate.Object, *Error) {
	if err := s.findSourceAccessPoint(ctx, src); err != nil {
		return nil, nil, err
	}
	b, o, err := s.objectFor(ctx, src, "s3:GetObject")
	if err != nil && err.Code == "MethodNotAllowed" {
		return nil, nil, errorf(http.StatusBadRequest, "InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	return b, o, err
}

// setSourceVersion names a copy's source version, as S3 does for one
// that is not null.
func setSourceVersion(h http.Header, b *trustgate.Bucket, src *trustgate.Object) {
	if b.Versioning != trustgate.Unversioned && src.VersionID != trustgate.NullVersion {
		h.Set("X-Amz-Copy-Source-Version-Id", src.VersionID)
	}
}

// latestDeleteMarker is the delete marker that is key's latest version,
// nil when it has none: what a key without a current object may have
// on a bucket that has had versioning.
func (s *Service) latestDeleteMarker(ctx context.Context, b *trustgate.Bucket, key string) (*trustgate.Object, error) {
	if b.Versioning == trustgate.Unversioned {
		return nil, nil
	}
	vs, err := s.store.ObjectVersions(ctx, b.Name, key, store.VersionMark{}, 1)
	if err != nil || len(vs) == 0 || vs[0].Key != key || !vs[0].DeleteMarker {
		return nil, err
	}
	return vs[0], nil
}

// removal is what a delete did: the version it removed or the delete
// marker it wrote, which an answer names on a bucket that has had
// versioning.
type removal struct {
	version string
	marker  bool // the version removed or written is a delete marker
	found   bool // the version named was there to remove
}

// removeVersion deletes key from b as a DELETE does: the version named
// (named), or, with no version named, the object itself from a bucket
// without versioning, and otherwise a delete marker written over it.
// The object's current version must meet cond, and a version named must
// not be one its Object Lock protects (cond.BypassGovernance tells that
// the caller bypasses governance retention). Deleting what does not
// exist succeeds, as in S3, unless cond asks for an ETag. A delete
// marker is replicated only when replicable: a lifecycle rule's is not.
func (s *Service) removeVersion(ctx context.Context, b *trustgate.Bucket, key, version string, named, replicable bool, cond trustgate.WriteCondition) (removal, *Error) {
	switch {
	case named:
		cond.LockedAt = s.now()
		o, err := s.store.DeleteObjectVersion(ctx, b.Name, key, version, cond)
		if failed := conditionFailed(err, cond, key); failed != nil {
			return removal{}, failed
		}
		switch {
		case errors.Is(err, trustgate.ErrLocked):
			return removal{}, lockedVersion()
		case errors.Is(err, trustgate.ErrNotFound):
			return removal{version: version}, nil
		case err != nil:
			return removal{}, internal(err)
		}
		s.blobs.Remove(o.Blob)
		return removal{version: version, marker: o.DeleteMarker, found: true}, nil
	case b.Versioning == trustgate.Unversioned:
		return removal{}, s.removeObject(ctx, b.Name, key, cond)
	}
	marker := &trustgate.Object{Bucket: b.Name, Key: key, VersionID: versionFor(b), DeleteMarker: true, LastModified: s.now()}
	var replaced *trustgate.Object
	var err error
	if replicable {
		replaced, err = s.putVersion(ctx, b, marker, cond)
	} else {
		replaced, err = s.store.PutObject(ctx, marker, cond)
	}
	if failed := conditionFailed(err, cond, key); failed != nil {
		return removal{}, failed
	}
	if err != nil {
		return removal{}, storeError(err, &Call{bucket: b.Name})
	}
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	return removal{version: marker.VersionID, marker: true}, nil
}
