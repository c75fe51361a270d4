package s3api

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/blobs"
	"github.com/trustgate/trustgate/policy"
)

// Object limits of S3.
const (
	MaxKeyBytes      = 1024
	MaxMetadataBytes = 2 << 10
	// MaxPutBytes bounds one PutObject, one part, and the source of one
	// CopyObject or UploadPartCopy: 5 GiB.
	MaxPutBytes = 5 << 30
)

// checkKeyLength refuses a key longer than S3 takes, naming both lengths.
func checkKeyLength(key string) *Error {
	if len(key) > MaxKeyBytes {
		return errorf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long.").
			with("Size", strconv.Itoa(len(key))).with("MaxSizeAllowed", strconv.Itoa(MaxKeyBytes))
	}
	return nil
}

// storedHeaders are the request headers an object keeps and returns.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires",
	sseHeader, kmsKeyHeader, bucketKeyHeader, "X-Amz-Storage-Class", websiteRedirectHeader}

// entityTooLarge refuses a body past MaxPutBytes.
func entityTooLarge() *Error {
	return errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.").
		with("MaxSizeAllowed", strconv.FormatInt(MaxPutBytes, 10))
}

// copySourceTooLarge refuses a copy of more than MaxPutBytes at once.
func copySourceTooLarge() *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "The specified copy source is larger than the maximum allowable size for a copy source: %d", MaxPutBytes)
}

// errPastLimit is a body of no declared length read past MaxPutBytes.
var errPastLimit = errors.New("the body is larger than an object may be")

// cappedReader reads r until left bytes are gone, and fails past them.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errPastLimit
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1] // one byte more, to see a body that goes on
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errPastLimit
	}
	return n, err
}

// copyOwnHeaders are the stored headers a copy takes from its own
// request alone.
var copyOwnHeaders = setOf(sseHeader, kmsKeyHeader, bucketKeyHeader, "X-Amz-Storage-Class", websiteRedirectHeader)

// storageClasses are the storage classes S3 knows.
var storageClasses = setOf("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
	"DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS")

// keptHeaders are the stored headers of a new object in b, from its
// request and b's default encryption, and the refusal of a storage class
// S3 does not know. A STANDARD class is not kept: S3 names the class of
// an object only when it is another.
func keptHeaders(h http.Header, b *trustgate.Bucket) (map[string]string, *Error) {
	kept := map[string]string{}
	for _, name := range storedHeaders {
		if v := h.Get(name); v != "" {
			kept[name] = v
		}
	}
	applyDefaultEncryption(kept, b.Encryption)
	if to, ok := kept[websiteRedirectHeader]; ok && !strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "http://") && !strings.HasPrefix(to, "https://") {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.").
			with("ArgumentName", "x-amz-website-redirect-location").with("ArgumentValue", to)
	}
	switch class := kept["X-Amz-Storage-Class"]; {
	case class == "STANDARD":
		delete(kept, "X-Amz-Storage-Class")
	case class != "" && !storageClasses[class]:
		return nil, errorf(http.StatusBadRequest, "InvalidStorageClass", "The storage class you specified is not valid").with("StorageClassRequested", class)
	}
	return kept, nil
}

// setEncryption names the encryption of an object on an answer about it:
// what its write asked for, with its KMS key, or SSE-S3, which every
// object has had since January 2023 unless asked otherwise (note 52).
func setEncryption(h http.Header, o *trustgate.Object) { setEncryptionOf(h, o.Headers) }

// setEncryptionOf names the encryption of the object or upload whose
// kept headers are stored.
func setEncryptionOf(h http.Header, stored map[string]string) {
	sse, ok := stored[sseHeader]
	if !ok || sse == "AES256" {
		h[sseHeader] = []string{"AES256"}
		return
	}
	h[sseHeader] = []string{sse}
	if key, ok := stored[kmsKeyHeader]; ok {
		h[kmsKeyHeader] = []string{key}
	}
	if on, ok := stored[bucketKeyHeader]; ok && strings.EqualFold(on, "true") {
		h[bucketKeyHeader] = []string{"true"}
	}
}

func (s *Service) putObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return err
	}
	if err := checkKeyLength(c.key); err != nil {
		return err
	}
	tags, terr := headerTags(c.Request.Header)
	if terr != nil {
		return terr
	}
	keys, kerr := writeKeys(c.Request.Header, true)
	if kerr != nil {
		return kerr
	}
	lock, lerr := writeLock(c.Request.Header, b, s.now(), keys)
	if lerr != nil {
		return lerr
	}
	setRequestTags(keys, tags)
	if err := s.authorizeWrite(ctx, c, b, c.key, keys, len(tags) > 0); err != nil {
		return err
	}
	if err := s.authorizeLock(ctx, c, b, c.key, lock, keys); err != nil {
		return err
	}
	if err := refuseCustomerKeys(c, b, "s3:PutObject"); err != nil {
		return err
	}
	if c.Form == nil {
		if err := requireLockDigest(c.Request.Header, lock.locks(b), "Put Object"); err != nil {
			return err
		}
	}
	if acl := c.Request.Header.Get("x-amz-acl"); acl != "" && acl != "bucket-owner-full-control" && acl != "private" {
		return errorf(http.StatusBadRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
	}
	meta, merr := userMetadata(c.Request.Header)
	if merr != nil {
		return merr
	}
	sums, serr := requestChecksums(c.Request.Header)
	if serr != nil {
		return serr
	}
	if len(sums) == 0 {
		sums = []*checksum{defaultChecksum.computing()}
	}
	kept, kerr := keptHeaders(c.Request.Header, b)
	if kerr != nil {
		return kerr
	}
	o := &trustgate.Object{Bucket: b.Name, Key: c.key, ContentType: c.Request.Header.Get("Content-Type"), Metadata: meta, Headers: kept, Tags: tags,
		VersionID: versionFor(b)}
	if enc, ok := o.Headers["Content-Encoding"]; ok {
		// aws-chunked is how the body travelled, not how it is stored.
		if rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(enc, "aws-chunked"), ",")); rest != "" {
			o.Headers["Content-Encoding"] = rest
		} else {
			delete(o.Headers, "Content-Encoding")
		}
	}
	cond, cerr := writeCondition(c.Request.Header)
	if cerr != nil {
		return cerr
	}
	written, perr := s.writeBody(c, o, sums, true)
	if perr != nil {
		return perr
	}
	return s.commitObject(ctx, w, c, b, o, lock, cond, written)
}

// writeCondition reads a conditional write's If-None-Match, of which S3
// takes only *, and If-Match (note 55).
func writeCondition(h http.Header) (trustgate.WriteCondition, *Error) {
	cond := trustgate.WriteCondition{IfMatch: h.Get("If-Match")}
	switch v := h.Get("If-None-Match"); v {
	case "":
	case "*":
		cond.IfNoneMatch = true
	default:
		return cond, errorf(http.StatusNotImplemented, "NotImplemented", "A header you provided implies functionality that is not implemented").
			with("Header", "If-None-Match")
	}
	return cond, nil
}

// conditionFailed answers a write whose condition the object it would
// replace did not meet, or nil when err is not that.
func conditionFailed(err error, cond trustgate.WriteCondition, key string) *Error {
	switch {
	case errors.Is(err, trustgate.ErrPrecondition):
		header := "If-Match"
		if cond.IfNoneMatch {
			header = "If-None-Match"
		}
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").with("Condition", header)
	case errors.Is(err, trustgate.ErrNoObject):
		return noSuchKey(key)
	}
	return nil
}

// writeBody streams the request body into a new blob, or keeps a small
// one in memory for o's record when inline, and checks its digests; on
// success o holds the body, size and ETag. A part is never inline: its
// upload's completion reads it from its blob.
func (s *Service) writeBody(c *Call, o *trustgate.Object, sums []*checksum, inline bool) (map[string]string, *Error) {
	body := io.Reader(http.NoBody)
	if c.Signed != nil && c.Signed.Body != nil {
		body = c.Signed.Body
	} else if c.Request.Body != nil {
		body = c.Request.Body
	}
	size := c.Request.ContentLength
	if c.Signed != nil {
		size = c.Signed.ContentLength
	}
	if size > MaxPutBytes {
		return nil, entityTooLarge().with("ProposedSize", strconv.FormatInt(size, 10))
	}
	if size < 0 {
		// A body of no declared length is cut off where S3's limit is.
		body = &cappedReader{r: body, left: MaxPutBytes}
	}
	var blob *blobs.Written
	var err error
	if inline {
		blob, err = s.blobs.PutSmall(body, MaxInlineBody, size, hashes(sums)...)
	} else {
		blob, err = s.blobs.Put(body, hashes(sums)...)
	}
	if errors.Is(err, errPastLimit) {
		return nil, entityTooLarge()
	}
	if err != nil {
		return nil, blobError(err)
	}
	fail := func(e *Error) (map[string]string, *Error) {
		s.blobs.Remove(blob.ID)
		return nil, e
	}
	if e := contentMD5(c.Request.Header.Get("Content-MD5"), blob.MD5); e != nil {
		return fail(e)
	}
	var trailers http.Header
	if c.Signed != nil {
		trailers = c.Signed.Trailers()
	}
	checked, e := verify(sums, trailers)
	if e != nil {
		return fail(e)
	}
	for k, v := range checked {
		o.Headers[k] = v
	}
	o.Blob, o.Inline, o.Size, o.ETag = blob.ID, blob.Inline, blob.Size, `"`+hex.EncodeToString(blob.MD5)+`"`
	return checked, nil
}

// MaxInlineBody is the largest body kept in its object's record instead
// of a blob file: SQLite's own measurements ("Internal Versus External
// BLOBs in SQLite", sqlite.org/intern-v-extern-blob.html) find blobs of
// up to about 100 KB faster in a row than in files of their own, and a
// row is committed and synced with the object's metadata, where a file
// costs a creation, a rename and two syncs more (BENCHMARKS.md).
const MaxInlineBody = 64 << 10

// errBodyReplaced is a body gone between reading its object's record and
// opening it: a write or delete of the key came between and removed it.
// The call is answered again, with the object as it is now (Serve).
var errBodyReplaced = errors.New("the object was replaced while it was being read")

// openBody opens an object's body, from its blob or its record. Once
// open, a blob stays readable whatever happens to its object.
func (s *Service) openBody(o *trustgate.Object) (io.ReaderAt, io.Closer, error) {
	if o.Blob == "" {
		return bytes.NewReader(o.Inline), io.NopCloser(nil), nil
	}
	f, err := s.blobs.Open(o.Blob)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("blob %s: %w", o.Blob, errBodyReplaced)
	}
	if err != nil {
		return nil, nil, err
	}
	return f, f, nil
}

// commitObject records o, whose blob is written, in b, with the Object
// Lock lock asks for, removes the blob of the version it replaces, and
// answers with its ETag and version.
func (s *Service) commitObject(ctx context.Context, w http.ResponseWriter, c *Call, b *trustgate.Bucket, o *trustgate.Object, lock lockAsked, cond trustgate.WriteCondition, checked map[string]string) *Error {
	o.LastModified = s.now()
	lock.apply(o, b, o.LastModified)
	replaced, err := s.putVersion(ctx, b, o, cond)
	if err != nil {
		s.blobs.Remove(o.Blob)
		if failed := conditionFailed(err, cond, o.Key); failed != nil {
			return failed
		}
		return storeError(err, &Call{bucket: o.Bucket})
	}
	c.objectSize = o.Size
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	h := w.Header()
	h.Set("ETag", o.ETag)
	for k, v := range checked {
		h.Set(k, v)
	}
	if len(checked) > 0 {
		h.Set(checksumTypeHeader, fullObject)
	}
	setEncryption(h, o)
	setNewVersion(h, o)
	setExpiration(h, b, o)
	return writeEmpty(w, c, http.StatusOK)
}

// userMetadata collects the x-amz-meta-* headers, within S3's 2 KB.
func userMetadata(h http.Header) (map[string]string, *Error) {
	meta := map[string]string{}
	size := 0
	for name, values := range h {
		lower := strings.ToLower(name)
		if k, ok := strings.CutPrefix(lower, "x-amz-meta-"); ok {
			v := strings.Join(values, ",")
			meta[k] = v
			size += len(k) + len(v)
		}
	}
	if size > MaxMetadataBytes {
		return nil, errorf(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.").
			with("Size", strconv.Itoa(size)).with("MaxSizeAllowed", strconv.Itoa(MaxMetadataBytes))
	}
	return meta, nil
}

// authorizeWrite authorizes s3:PutObject of key, and s3:PutObjectTagging
// too when the request tags the object, as S3 requires (note 45).
func (s *Service) authorizeWrite(ctx context.Context, c *Call, b *trustgate.Bucket, key string, keys *policy.Context, tagged bool) *Error {
	if err := s.authorize(ctx, c, "s3:PutObject", b.ARN()+"/"+key, b, keys.Clone()); err != nil {
		return err
	}
	if tagged {
		return s.authorize(ctx, c, "s3:PutObjectTagging", b.ARN()+"/"+key, b, keys)
	}
	return nil
}

// objectFor authorizes action on the call's object and returns it; the
// object's tags are s3:ExistingObjectTag/* (note 45).
func (s *Service) objectFor(ctx context.Context, c *Call, action string) (*trustgate.Bucket, *trustgate.Object, *Error) {
	return s.objectWith(ctx, c, action, objectKeys)
}

// objectWith authorizes action on the call's object, with the condition
// keys keys gives for it (nil when it does not exist), and returns it. A
// missing key is NoSuchKey to a caller allowed s3:ListBucket, and
// AccessDenied to one that is not, as S3 answers (note 38).
//
// A call naming a version (versionId) reads that version: NoSuchVersion
// when the key has no such version, MethodNotAllowed when it is a delete
// marker. A key whose latest version is a delete marker is NoSuchKey,
// sent with the marker's x-amz-delete-marker and version.
func (s *Service) objectWith(ctx context.Context, c *Call, action string, keys func(*trustgate.Object) *policy.Context) (*trustgate.Bucket, *trustgate.Object, *Error) {
	version, named, err := versionNamed(c)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	var o *trustgate.Object
	var serr error
	if named {
		o, serr = s.store.ObjectVersion(ctx, b.Name, c.key, version)
	} else {
		o, serr = s.store.Object(ctx, b.Name, c.key)
	}
	if serr != nil && !errors.Is(serr, trustgate.ErrNotFound) {
		return nil, nil, internal(serr)
	}
	action, objKeys := forVersion(action, keys(o), named, version)
	if err := s.authorize(ctx, c, action, b.ARN()+"/"+c.key, b, objKeys); err != nil {
		return nil, nil, err
	}
	switch {
	case o == nil:
		if err := s.authorize(ctx, c, "s3:ListBucket", b.ARN(), b, nil); err != nil {
			return nil, nil, err
		}
		if named {
			return nil, nil, noSuchVersion(c.key, version)
		}
		marker, err := s.latestDeleteMarker(ctx, b, c.key)
		switch {
		case err != nil:
			return nil, nil, internal(err)
		case marker == nil:
			return nil, nil, noSuchKey(c.key)
		case taggingActions[action]:
			// Tagging refuses the marker as if it had been named, but
			// without naming it.
			return nil, nil, methodNotAllowed(c, "DeleteMarker").withHeader("Allow", http.MethodDelete)
		}
		return nil, nil, noSuchKey(c.key).withHeader(deleteMarkerHeader, "true").withHeader(versionHeader, wireVersion(marker.VersionID))
	case o.DeleteMarker:
		return nil, nil, deleteMarkerRead(c, o)
	}
	return b, o, nil
}

func (s *Service) headObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	return s.serveObject(ctx, w, c, false)
}

func (s *Service) getObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	return s.serveObject(ctx, w, c, true)
}

// versionNamed is the version of its object the call names with
// versionId (named), refusing one no bucket could have.
func versionNamed(c *Call) (version string, named bool, err *Error) {
	v, ok := c.query["versionId"]
	if !ok {
		return "", false, nil
	}
	switch {
	case len(v) != 1:
		return "", false, invalidVersion("versionId", c.query.Get("versionId"))
	case v[0] == "":
		return "", false, errorf(http.StatusBadRequest, "InvalidArgument", "Version id cannot be the empty string").
			with("ArgumentName", "versionId").with("ArgumentValue", "")
	}
	version, err = parseVersion("versionId", v[0])
	return version, err == nil, err
}

// invalidVersion refuses a version id S3 could not have made, named by
// the parameter argument.
func invalidVersion(argument, value string) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "Invalid version id specified").
		with("ArgumentName", argument).with("ArgumentValue", value)
}

// versionActions are the actions S3 asks for instead of an object's own
// when a request names the object's version (note 57).
var versionActions = map[string]string{
	"s3:GetObject":           "s3:GetObjectVersion",
	"s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
	"s3:GetObjectAcl":        "s3:GetObjectVersionAcl",
	"s3:GetObjectTagging":    "s3:GetObjectVersionTagging",
	"s3:PutObjectTagging":    "s3:PutObjectVersionTagging",
	"s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
	"s3:DeleteObject":        "s3:DeleteObjectVersion",
}

// forVersion is the action and condition keys of a call on an object
// that names the object's version (named) or not.
func forVersion(action string, keys *policy.Context, named bool, version string) (string, *policy.Context) {
	if !named {
		return action, keys
	}
	if keys == nil {
		keys = policy.NewContext()
	}
	keys.Set("s3:versionid", wireVersion(version))
	if va, ok := versionActions[action]; ok {
		return va, keys
	}
	return action, keys // one action for an object and its versions
}

// serveObject answers GetObject (withBody) and HeadObject: conditional
// headers, a single byte range or part, the stored headers and metadata.
func (s *Service) serveObject(ctx context.Context, w http.ResponseWriter, c *Call, withBody bool) *Error {
	if c.Signed == nil && c.Request.URL.RawQuery != "" {
		for _, o := range responseOverrides {
			if _, ok := c.query[o.param]; ok {
				return errorf(http.StatusBadRequest, "InvalidRequest", "Request specific response headers cannot be used for anonymous GET requests.")
			}
		}
	}
	b, o, err := s.objectFor(ctx, c, "s3:GetObject")
	if err != nil {
		return err
	}
	c.objectSize = o.Size
	if status := preconditions(c.Request.Header, o); status != 0 {
		if status == http.StatusNotModified {
			w.Header().Set("ETag", o.ETag)
			w.Header().Set("Last-Modified", httpTime(o.LastModified))
			return writeEmpty(w, c, status)
		}
		condition := "If-Match"
		if c.Request.Header.Get("If-Match") == "" {
			condition = "If-Unmodified-Since"
		}
		return errorf(status, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").with("Condition", condition)
	}
	start, length, ranged, rerr := byteRange(c.Request.Header.Get("Range"), o.Size)
	if rerr != nil {
		return rerr
	}
	partsCount := 0 // for the x-amz-mp-parts-count of a part asked for by number
	if _, byPart := c.query["partNumber"]; byPart {
		if c.Request.Header.Get("Range") != "" {
			return errorf(http.StatusBadRequest, "InvalidRequest", "Cannot specify both Range header and partNumber query parameter")
		}
		if start, length, partsCount, rerr = partRange(c, o); rerr != nil {
			return rerr
		}
		ranged = o.Size > 0
	}
	// The names are written as http.Header keeps them, which Set would
	// work out (and allocate) on every answer.
	h := w.Header()
	h["X-Amz-Request-Id"] = []string{c.RequestID}
	h["X-Amz-Id-2"] = []string{hostID(c.RequestID)}
	h["Etag"] = []string{o.ETag}
	h["Last-Modified"] = []string{httpTime(o.LastModified)}
	h["Accept-Ranges"] = []string{"bytes"}
	setTagCount(h, o)
	contentType := o.ContentType
	if contentType == "" {
		contentType = "binary/octet-stream"
	}
	h["Content-Type"] = []string{contentType}
	for k, v := range o.Headers {
		if !isChecksumHeader(k) {
			h.Set(k, v)
		}
	}
	if strings.EqualFold(c.Request.Header.Get("x-amz-checksum-mode"), "ENABLED") {
		setChecksum(c, h, o, start, length)
	}
	setEncryption(h, o)
	setVersion(h, b, o)
	setReplicationStatus(h, o)
	if _, named := c.query["versionId"]; !named {
		setExpiration(h, b, o)
	}
	if err := s.setObjectLock(ctx, h, c, b, o); err != nil {
		return err
	}
	for k, v := range o.Metadata {
		h["X-Amz-Meta-"+k] = []string{v}
	}
	if c.Signed != nil && c.Request.URL.RawQuery != "" {
		for _, o := range responseOverrides {
			if v := c.query.Get(o.param); v != "" {
				h[o.header] = []string{v}
			}
		}
	}
	if len(o.PartSizes) > 0 && partsCount > 0 {
		h["X-Amz-Mp-Parts-Count"] = []string{strconv.Itoa(partsCount)}
	}
	h["Content-Length"] = []string{strconv.FormatInt(length, 10)}
	status := http.StatusOK
	if ranged {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, o.Size))
		status = http.StatusPartialContent
	}
	if !withBody {
		w.WriteHeader(status)
		return nil
	}
	if o.Blob == "" {
		if int64(len(o.Inline)) < start+length {
			return internal(fmt.Errorf("object %s/%s: %d bytes kept for a size of %d", o.Bucket, o.Key, len(o.Inline), o.Size))
		}
		w.WriteHeader(status)
		w.Write(o.Inline[start : start+length]) // one write, no copy buffer
		return nil
	}
	body, closer, ferr := s.openBody(o)
	if ferr != nil {
		return internal(ferr)
	}
	defer closer.Close()
	w.WriteHeader(status)
	// A failure now can only cut the body short, which the client sees.
	io.Copy(w, io.NewSectionReader(body, start, length))
	return nil
}

// setChecksum names the checksum of what a GetObject or HeadObject
// answers with, as x-amz-checksum-mode=ENABLED asks: the object's, when
// the answer is the whole object, or the part's, when it is a part of an
// upload that had checksums (note 64). A range has none.
func setChecksum(c *Call, h http.Header, o *trustgate.Object, start, length int64) {
	alg, value, typ := storedChecksum(o.Headers)
	if alg == nil {
		return
	}
	if _, byPart := c.query["partNumber"]; byPart && len(o.PartChecksums) > 0 {
		n, err := partNumber(c)
		if err != nil || n > len(o.PartChecksums) {
			return
		}
		value = o.PartChecksums[n-1]
	} else if start != 0 || length != o.Size {
		return
	}
	h.Set("x-amz-checksum-"+alg.header, value)
	h.Set(checksumTypeHeader, typ)
}

// partRange is where the part a GetObject or HeadObject names by number
// lies in its object, and how many parts the object has. The parts are
// those its multipart upload was completed with, in order; an object put
// whole is its own part 1 (note 51).
func partRange(c *Call, o *trustgate.Object) (start, length int64, count int, err *Error) {
	number, err := partNumber(c)
	if err != nil {
		return 0, 0, 0, err
	}
	sizes := o.PartSizes
	if len(sizes) == 0 {
		sizes = []int64{o.Size}
	}
	if number > len(sizes) {
		return 0, 0, 0, errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
	}
	for _, size := range sizes[:number-1] {
		start += size
	}
	return start, sizes[number-1], len(sizes), nil
}

// responseOverrides are the query parameters of a signed GetObject that
// set headers of its answer, and the headers they set.
var responseOverrides = []struct{ param, header string }{
	{"response-content-type", "Content-Type"},
	{"response-content-language", "Content-Language"},
	{"response-expires", "Expires"},
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
}

// preconditions evaluates If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since as S3 does; 0 when the request may proceed.
func preconditions(h http.Header, o *trustgate.Object) int {
	etagMatches := func(list string) bool {
		for _, v := range strings.Split(list, ",") {
			v = strings.TrimSpace(v)
			if v == "*" || v == o.ETag || `"`+v+`"` == o.ETag {
				return true
			}
		}
		return false
	}
	modified := o.LastModified.Truncate(time.Second)
	since := func(name string) (time.Time, bool) {
		v := h.Get(name)
		if v == "" {
			return time.Time{}, false // the usual case, without ParseTime's three failed attempts
		}
		t, err := http.ParseTime(v)
		return t, err == nil
	}
	if v := h.Get("If-Match"); v != "" {
		if !etagMatches(v) {
			return http.StatusPreconditionFailed
		}
	} else if t, ok := since("If-Unmodified-Since"); ok && modified.After(t) {
		return http.StatusPreconditionFailed
	}
	if v := h.Get("If-None-Match"); v != "" {
		if etagMatches(v) {
			return http.StatusNotModified
		}
	} else if t, ok := since("If-Modified-Since"); ok && !modified.After(t) {
		return http.StatusNotModified
	}
	return 0
}

// byteRange reads a Range header of one range: bytes=a-b, bytes=a- or
// bytes=-n. A header S3 would ignore is ignored; one past the end is
// InvalidRange.
func byteRange(header string, size int64) (start, length int64, ranged bool, err *Error) {
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, size, false, nil
	}
	invalid := errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable").
		with("RangeRequested", header).with("ActualObjectSize", strconv.FormatInt(size, 10))
	switch {
	case first == "":
		n, ok := rangeNumber(last)
		if !ok {
			return 0, size, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, invalid // a suffix of nothing, or of an empty object
		}
		n = min(n, size)
		return size - n, n, true, nil
	default:
		a, ok := rangeNumber(first)
		if !ok {
			return 0, size, false, nil
		}
		if a >= size {
			return 0, 0, false, invalid
		}
		end := size - 1
		if last != "" {
			b, ok := rangeNumber(last)
			if !ok || b < a {
				return 0, size, false, nil
			}
			end = min(b, size-1)
		}
		return a, end - a + 1, true, nil
	}
}

// rangeNumber reads a byte position of a Range: digits, a number too
// large for int64 standing for the largest (it is past any object's end,
// and a last position past the end is the end, RFC 9110 14.1.2).
func rangeNumber(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if errors.Is(err, strconv.ErrRange) && strings.Trim(s, "0123456789") == "" {
		return math.MaxInt64, true
	}
	return n, err == nil && n >= 0 && s != "" && s[0] != '+'
}

func (s *Service) deleteObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	version, named, err := versionNamed(c)
	if err != nil {
		return err
	}
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return err
	}
	action, keys := forVersion("s3:DeleteObject", nil, named, version)
	if err := s.authorize(ctx, c, action, b.ARN()+"/"+c.key, b, keys); err != nil {
		return err
	}
	if err := checkBypassHeader(c, b); err != nil {
		return err
	}
	cond := trustgate.WriteCondition{IfMatch: c.Request.Header.Get("If-Match")}
	if named {
		if cond.BypassGovernance, err = s.bypassesGovernanceOf(ctx, c, b, c.key, version); err != nil {
			return err
		}
	}
	done, err := s.removeVersion(ctx, b, c.key, version, named, true, cond)
	if err != nil {
		return err
	}
	if b.Versioning != trustgate.Unversioned {
		if done.marker {
			w.Header().Set(deleteMarkerHeader, "true")
		}
		w.Header().Set(versionHeader, wireVersion(done.version))
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// removeObject deletes an object and its blob if it meets cond (note
// 71); deleting a missing key succeeds, as in S3, unless cond asks for
// an ETag.
func (s *Service) removeObject(ctx context.Context, bucket, key string, cond trustgate.WriteCondition) *Error {
	cond.LockedAt = s.now() // a version locked since the bucket was read
	o, err := s.store.DeleteObject(ctx, bucket, key, cond)
	if failed := conditionFailed(err, cond, key); failed != nil {
		return failed
	}
	switch {
	case errors.Is(err, trustgate.ErrLocked):
		return lockedVersion()
	case errors.Is(err, trustgate.ErrNotFound):
		return nil
	case err != nil:
		return internal(err)
	}
	s.blobs.Remove(o.Blob)
	return nil
}

// MaxDeleteObjects is DeleteObjects' limit of keys per request.
const MaxDeleteObjects = 1000

func (s *Service) deleteObjects(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return err
	}
	var req struct {
		XMLName xml.Name `xml:"Delete"`
		Quiet   bool
		Object  []struct{ Key, VersionId, ETag string }
	}
	if err := checkBypassHeader(c, b); err != nil {
		return err
	}
	// S3 takes a multi-object delete only with a digest of its body.
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	if err := readXMLUpTo(c, &req, maxDeleteBody); err != nil {
		return err
	}
	if len(req.Object) == 0 || len(req.Object) > MaxDeleteObjects {
		return malformedXML()
	}
	type deleted struct {
		Key                   string
		VersionId             string `xml:",omitempty"`
		DeleteMarker          bool   `xml:",omitempty"`
		DeleteMarkerVersionId string `xml:",omitempty"`
	}
	type failed struct {
		Key       string
		VersionId string `xml:",omitempty"`
		Code      string
		Message   string
	}
	out := struct {
		XMLName xml.Name `xml:"DeleteResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		Deleted []deleted
		Error   []failed
	}{Xmlns: Namespace}
	for _, o := range req.Object {
		// A key's version is as DeleteObject's versionId (note 57).
		var e *Error
		var done removal
		// A version no bucket could have, or that the key does not
		// have, is NoSuchVersion here, not DeleteObject's InvalidArgument
		// or success.
		version, named := "", o.VersionId != ""
		if named {
			if version, e = parseVersion("VersionId", o.VersionId); e != nil {
				e = noSuchVersion(o.Key, o.VersionId)
			}
		}
		if e == nil {
			action, keys := forVersion("s3:DeleteObject", nil, named, version)
			cond := trustgate.WriteCondition{IfMatch: o.ETag}
			if e = s.authorize(ctx, c, action, b.ARN()+"/"+o.Key, b, keys); e == nil && named {
				cond.BypassGovernance, e = s.bypassesGovernanceOf(ctx, c, b, o.Key, version)
			}
			if e == nil {
				done, e = s.removeVersion(ctx, b, o.Key, version, named, true, cond)
			}
			if e == nil && named && !done.found && version != trustgate.NullVersion {
				e = noSuchVersion(o.Key, version)
			}
		}
		entry := logEntry{operation: "BATCH.DELETE.OBJECT", key: o.Key, version: o.VersionId, status: http.StatusNoContent}
		if e != nil {
			entry.status, entry.errCode = e.Status, e.Code
		}
		c.logAlso(b, entry)
		switch {
		case e != nil:
			out.Error = append(out.Error, failed{Key: o.Key, VersionId: o.VersionId, Code: e.Code, Message: e.Message})
		case !req.Quiet:
			d := deleted{Key: o.Key, VersionId: o.VersionId, DeleteMarker: done.marker}
			if done.marker {
				d.DeleteMarkerVersionId = wireVersion(done.version)
			}
			out.Deleted = append(out.Deleted, d)
		}
	}
	return writeXML(w, c, http.StatusOK, out)
}

// copyObject copies an object, within or across buckets and accounts: the
// caller needs s3:GetObject on the source and s3:PutObject on the
// destination, each decided with its bucket's policy.
func (s *Service) copyObject(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	srcCall, perr := sourceCall(c)
	if perr != nil {
		return perr
	}
	for _, d := range []struct{ header, what string }{{"x-amz-metadata-directive", "metadata"}, {"x-amz-tagging-directive", "tagging"}} {
		switch v := c.Request.Header.Get(d.header); strings.ToUpper(v) {
		case "", "COPY", "REPLACE":
		default:
			return errorf(http.StatusBadRequest, "InvalidArgument", "Unknown %s directive.", d.what).with("ArgumentName", d.header).with("ArgumentValue", v)
		}
	}
	dst, err := s.bucketFor(ctx, c)
	if err != nil {
		return err
	}
	if err := checkKeyLength(c.key); err != nil {
		return err
	}
	srcBucket, src, err := s.copySourceObject(ctx, srcCall)
	if err != nil {
		c.logAlso(srcCall.logged, logEntry{operation: "REST.COPY.OBJECT_GET", key: srcCall.key, version: srcCall.query.Get("versionId"),
			status: err.Status, errCode: err.Code})
		return err
	}
	c.charged = c.charged || srcCall.charged // the source's Requester Pays
	if src.Size > MaxPutBytes {
		// Larger objects are copied in parts, with UploadPartCopy.
		return copySourceTooLarge()
	}
	tags := src.Tags
	replaceTags := strings.EqualFold(c.Request.Header.Get("x-amz-tagging-directive"), "REPLACE")
	if replaceTags {
		var terr *Error
		if tags, terr = headerTags(c.Request.Header); terr != nil {
			return terr
		}
	}
	keys, kerr := writeKeys(c.Request.Header, true)
	if kerr != nil {
		return kerr
	}
	lock, lerr := writeLock(c.Request.Header, dst, s.now(), keys)
	if lerr != nil {
		return lerr
	}
	// The source is named as policies match it: bucket/key, decoded,
	// without the leading slash or a version.
	keys.Set("s3:x-amz-copy-source", srcCall.bucket+"/"+srcCall.key)
	setRequestTags(keys, tags)
	if err := s.authorizeWrite(ctx, c, dst, c.key, keys, replaceTags && len(tags) > 0); err != nil {
		return err
	}
	if err := s.authorizeLock(ctx, c, dst, c.key, lock, keys); err != nil {
		return err
	}
	if err := refuseCustomerKeys(c, dst, "s3:CopyObject"); err != nil {
		return err
	}
	if status := preconditions(copyConditions(c.Request.Header), src); status != 0 {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").with("Condition", "x-amz-copy-source-If-Match")
	}
	replace := strings.EqualFold(c.Request.Header.Get("x-amz-metadata-directive"), "REPLACE")
	_, restoring := srcCall.query["versionId"] // a copy of a version onto its key restores it
	if srcCall.bucket == dst.Name && srcCall.key == c.key && !restoring && !replace && !replaceTags && !changesStorage(c.Request.Header) {
		return errorf(http.StatusBadRequest, "InvalidRequest",
			"This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	kept, kerr := keptHeaders(c.Request.Header, dst)
	if kerr != nil {
		return kerr
	}
	o := &trustgate.Object{Bucket: dst.Name, Key: c.key, ContentType: src.ContentType, Metadata: src.Metadata, Headers: kept, Tags: tags,
		VersionID: versionFor(dst)}
	if replace {
		meta, merr := userMetadata(c.Request.Header)
		if merr != nil {
			return merr
		}
		o.Metadata, o.ContentType = meta, c.Request.Header.Get("Content-Type")
	} else {
		// The copy keeps the source's headers but for its storage class
		// and encryption, which are the copy request's (STANDARD and
		// SSE-S3 when it names none), never the source's.
		for k, v := range src.Headers {
			if !copyOwnHeaders[k] && !isChecksumHeader(k) {
				o.Headers[k] = v
			}
		}
	}
	alg, aerr := copyChecksum(c.Request.Header, src)
	if aerr != nil {
		return aerr
	}
	sum := runningSum(alg)
	body, closer, ferr := s.openBody(src)
	if ferr != nil {
		return internal(ferr)
	}
	blob, berr := s.blobs.PutSmall(io.NewSectionReader(body, 0, src.Size), MaxInlineBody, src.Size, sum...)
	closer.Close()
	if berr != nil {
		return internal(berr)
	}
	// A copy is a new object of one piece: its ETag is its body's MD5,
	// even where the source's was a multipart upload's (note 66).
	o.Blob, o.Inline, o.Size, o.ETag = blob.ID, blob.Inline, blob.Size, `"`+hex.EncodeToString(blob.MD5)+`"`
	var copied checksumElements
	if alg != nil {
		value := sumValue(sum)
		o.Headers["x-amz-checksum-"+alg.header] = value
		copied = checksumElementsOf(alg, value)
	}
	o.LastModified = s.now()
	lock.apply(o, dst, o.LastModified) // the source's lock is not copied
	replaced, serr := s.putVersion(ctx, dst, o, trustgate.WriteCondition{})
	if serr != nil {
		s.blobs.Remove(blob.ID)
		return storeError(serr, c)
	}
	c.objectSize = o.Size
	c.logAlso(srcBucket, logEntry{operation: "REST.COPY.OBJECT_GET", key: src.Key, version: srcCall.query.Get("versionId"),
		status: http.StatusOK, objectSize: src.Size})
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	setEncryption(w.Header(), o)
	setVersion(w.Header(), dst, o)
	setSourceVersion(w.Header(), srcBucket, src)
	setExpiration(w.Header(), dst, o)
	out := struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		Xmlns        string   `xml:"xmlns,attr"`
		LastModified string
		ETag         string
		ChecksumType string `xml:",omitempty"`
		checksumElements
	}{Xmlns: Namespace, LastModified: isoTime(o.LastModified), ETag: o.ETag, checksumElements: copied}
	if alg != nil {
		out.ChecksumType = fullObject
	}
	return writeXML(w, c, http.StatusOK, out)
}

// copyChecksum is the algorithm of a copy's checksum, which S3 works out
// over the data it copies: the one x-amz-checksum-algorithm names, or
// the source's, or else the default every new object gets (note 66). A
// copy is one piece, so its checksum is FULL_OBJECT whatever the
// source's was (note 64).
func copyChecksum(h http.Header, src *trustgate.Object) (*algorithm, *Error) {
	if name := h.Get("x-amz-checksum-algorithm"); name != "" {
		alg := algorithmNamed(name)
		if alg == nil {
			return nil, unsupportedAlgorithm()
		}
		return alg, nil
	}
	if alg, _, _ := storedChecksum(src.Headers); alg != nil {
		return alg, nil
	}
	return defaultChecksum, nil
}

// changesStorage tells whether a copy asks for a storage class, an
// encryption or a website redirect, any of which lets an object be
// copied onto itself.
func changesStorage(h http.Header) bool {
	for _, name := range []string{"X-Amz-Storage-Class", "X-Amz-Server-Side-Encryption", "X-Amz-Website-Redirect-Location"} {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

// sourceCall is the call on the object that x-amz-copy-source names, for
// CopyObject and UploadPartCopy to authorize and read it with. The
// source's version, when it names one, is its call's versionId.
func sourceCall(c *Call) (*Call, *Error) {
	bucket, key, version, err := copySource(c.Request.Header.Get("x-amz-copy-source"))
	if err != nil {
		return nil, err
	}
	src := *c
	src.bucket, src.key, src.query, src.copySource, src.accessPoint = bucket, key, url.Values{}, true, nil
	if account, ok := accessPointARNSource(bucket); ok {
		// An access point's ARN: arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY.
		name, object, found := strings.Cut(key, "/object/")
		if !found || object == "" {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
				with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", c.Request.Header.Get("x-amz-copy-source"))
		}
		src.bucket, src.key, src.sourceAccessPoint = name+"-"+account, object, true
	}
	if version != nil {
		src.query["versionId"] = version
	}
	return &src, nil
}

// copySource reads x-amz-copy-source: [/]BUCKET/KEY, URL-encoded, then
// ?versionId=VERSION when it names a version (nil when it does not).
func copySource(v string) (bucket, key string, version []string, err *Error) {
	path, query, _ := strings.Cut(v, "?")
	path, derr := url.PathUnescape(path)
	if derr != nil || !utf8.ValidString(path) {
		return "", "", nil, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid copy source encoding").
			with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", v)
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", "", nil, errorf(http.StatusBadRequest, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
			with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", v)
	}
	if values, qerr := url.ParseQuery(query); qerr == nil {
		version = values["versionId"]
	}
	return bucket, key, version, nil
}

// copyConditions maps CopyObject's x-amz-copy-source-if-* headers to the
// plain conditional headers.
func copyConditions(h http.Header) http.Header {
	out := http.Header{}
	for _, name := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
		if v := h.Get("x-amz-copy-source-" + name); v != "" {
			out.Set(name, v)
		}
	}
	return out
}
