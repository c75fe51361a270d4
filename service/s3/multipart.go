package s3api

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Multipart upload limits of S3.
const (
	MaxParts         = 10000
	MinPartSize      = 5 << 20 // every part but the last
	MaxListedUploads = 1000    // a page of ListMultipartUploads
)

func noSuchUpload(id string) *Error {
	return errorf(http.StatusNotFound, "NoSuchUpload",
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").with("UploadId", id)
}

// newUploadID makes an upload id that sorts after every one made before
// it: the time in hexadecimal, then randomness. S3 lists the uploads of a
// key by when they began, and pages through them by id order.
func newUploadID(now time.Time) string {
	var b [18]byte
	rand.Read(b[:])
	return fmt.Sprintf("%016x", now.UnixNano()) + base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Service) createMultipartUpload(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
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
	keys, kerr := writeKeys(c.Request.Header, false)
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
	if err := refuseCustomerKeys(c, b, "s3:CreateMultipartUpload"); err != nil {
		return err
	}
	meta, merr := userMetadata(c.Request.Header)
	if merr != nil {
		return merr
	}
	u := &trustgate.Upload{ID: newUploadID(s.now()), Bucket: b.Name, Key: c.key, Account: c.Principal.Account, Initiator: c.Principal.ARN,
		Initiated: s.now(), ContentType: c.Request.Header.Get("Content-Type"), Metadata: meta, Headers: map[string]string{}, Tags: tags}
	kept, kerr := keptHeaders(c.Request.Header, b)
	if kerr != nil {
		return kerr
	}
	u.Headers = kept
	lock.keep(u.Headers)
	alg, typ, aerr := uploadChecksum(c.Request.Header)
	if aerr != nil {
		return aerr
	}
	if alg != nil {
		u.ChecksumAlgorithm, u.ChecksumType = alg.name, typ
	}
	if err := s.store.CreateUpload(ctx, u); err != nil {
		return storeError(err, &Call{bucket: b.Name})
	}
	if alg != nil {
		w.Header().Set("x-amz-checksum-algorithm", alg.name)
		w.Header().Set(checksumTypeHeader, typ)
	}
	setEncryptionOf(w.Header(), u.Headers)
	setAbortDate(w.Header(), b, u)
	return writeXML(w, c, http.StatusOK, struct {
		XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
		Xmlns    string   `xml:"xmlns,attr"`
		Bucket   string
		Key      string
		UploadId string
	}{Xmlns: Namespace, Bucket: b.Name, Key: c.key, UploadId: u.ID})
}

// uploadFor authorizes action on the call's object and finds its upload.
func (s *Service) uploadFor(ctx context.Context, c *Call, action string, keys *policy.Context) (*trustgate.Bucket, *trustgate.Upload, *Error) {
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if err := s.authorize(ctx, c, action, b.ARN()+"/"+c.key, b, keys); err != nil {
		return nil, nil, err
	}
	id := c.query.Get("uploadId")
	u, serr := s.store.Upload(ctx, b.Name, id)
	if errors.Is(serr, trustgate.ErrNotFound) || (serr == nil && u.Key != c.key) {
		return nil, nil, noSuchUpload(id)
	}
	if serr != nil {
		return nil, nil, internal(serr)
	}
	return b, u, nil
}

// partNumber reads the partNumber parameter of UploadPart,
// UploadPartCopy, and GetObject and HeadObject by part.
func partNumber(c *Call) (int, *Error) {
	number, err := strconv.Atoi(c.query.Get("partNumber"))
	if err != nil || number < 1 || number > MaxParts {
		return 0, errorf(http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive").
			with("ArgumentName", "partNumber").with("ArgumentValue", c.query.Get("partNumber"))
	}
	return number, nil
}

func (s *Service) uploadPart(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	number, err := partNumber(c)
	if err != nil {
		return err
	}
	if err := noVersionTaken(c); err != nil {
		return err
	}
	b, u, err := s.uploadFor(ctx, c, "s3:PutObject", creationKeys(c.Request.Header, false))
	if err != nil {
		return err
	}
	if err := refuseCustomerKeys(c, b, "s3:UploadPart"); err != nil {
		return err
	}
	locked := u.Headers[lockModeHeader] != "" || u.Headers[legalHoldHeader] != "" || b.ObjectLock.DefaultMode != ""
	if err := requireLockDigest(c.Request.Header, locked, "Put Part"); err != nil {
		return err
	}
	sums, kept, serr := partChecksums(u, c.Request.Header)
	if serr != nil {
		return serr
	}
	o := &trustgate.Object{Headers: map[string]string{}}
	checked, werr := s.writeBody(c, o, sums, false)
	if werr != nil {
		return werr
	}
	p := &trustgate.Part{UploadID: u.ID, Number: number, Size: o.Size, ETag: o.ETag, Blob: o.Blob, LastModified: s.now(), Checksum: kept.value()}
	c.objectSize = p.Size
	if err := s.recordPart(ctx, p); err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", o.ETag)
	for k, v := range checked {
		h.Set(k, v)
	}
	setEncryptionOf(h, u.Headers)
	return writeEmpty(w, c, http.StatusOK)
}

// recordPart records a part whose blob is written, and removes the blob
// of the part it replaces.
func (s *Service) recordPart(ctx context.Context, p *trustgate.Part) *Error {
	replaced, err := s.store.PutPart(ctx, p)
	if err != nil {
		s.blobs.Remove(p.Blob)
		if errors.Is(err, trustgate.ErrNotFound) {
			return noSuchUpload(p.UploadID) // aborted meanwhile
		}
		return internal(err)
	}
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	return nil
}

// uploadPartCopy makes a part of a byte range of another object (all of
// it when x-amz-copy-source-range is absent): the caller needs
// s3:GetObject on the source and s3:PutObject on the upload's object,
// each decided with its bucket's policy, as for CopyObject.
func (s *Service) uploadPartCopy(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	number, err := partNumber(c)
	if err != nil {
		return err
	}
	if err := noVersionTaken(c); err != nil {
		return err
	}
	srcCall, err := sourceCall(c)
	if err != nil {
		return err
	}
	srcBucket, src, err := s.copySourceObject(ctx, srcCall)
	if err != nil {
		c.logAlso(srcCall.logged, logEntry{operation: "REST.COPY.PART_GET", key: srcCall.key, version: srcCall.query.Get("versionId"),
			status: err.Status, errCode: err.Code})
		return err
	}
	c.charged = c.charged || srcCall.charged // the source's Requester Pays
	b, u, err := s.uploadFor(ctx, c, "s3:PutObject", creationKeys(c.Request.Header, false))
	if err != nil {
		return err
	}
	if err := refuseCustomerKeys(c, b, "s3:UploadPartCopy"); err != nil {
		return err
	}
	if status := preconditions(copyConditions(c.Request.Header), src); status != 0 {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").with("Condition", "x-amz-copy-source-If-Match")
	}
	start, length, err := copyRange(c.Request.Header.Get("x-amz-copy-source-range"), src.Size)
	if err != nil {
		return err
	}
	if length > MaxPutBytes {
		return copySourceTooLarge()
	}
	body, closer, ferr := s.openBody(src)
	if ferr != nil {
		return internal(ferr)
	}
	// The part has the checksum the upload's parts keep, which S3 works
	// out as it copies; it names it when it is the upload's.
	sum := runningSum(partAlgorithm(u))
	blob, berr := s.blobs.Put(io.NewSectionReader(body, start, length), sum...)
	closer.Close()
	if berr != nil {
		return internal(berr)
	}
	p := &trustgate.Part{UploadID: u.ID, Number: number, Size: blob.Size, ETag: `"` + hex.EncodeToString(blob.MD5) + `"`, Blob: blob.ID, LastModified: s.now(),
		Checksum: sumValue(sum)}
	alg := uploadAlgorithm(u)
	if err := s.recordPart(ctx, p); err != nil {
		return err
	}
	c.objectSize = p.Size
	c.logAlso(srcBucket, logEntry{operation: "REST.COPY.PART_GET", key: src.Key, version: srcCall.query.Get("versionId"),
		status: http.StatusOK, objectSize: src.Size})
	setEncryptionOf(w.Header(), u.Headers)
	setSourceVersion(w.Header(), srcBucket, src)
	return writeXML(w, c, http.StatusOK, struct {
		XMLName      xml.Name `xml:"CopyPartResult"`
		Xmlns        string   `xml:"xmlns,attr"`
		LastModified string
		ETag         string
		checksumElements
	}{Xmlns: Namespace, LastModified: isoTime(p.LastModified), ETag: p.ETag, checksumElements: checksumElementsOf(alg, p.Checksum)})
}

// copyRange reads x-amz-copy-source-range, bytes=FIRST-LAST within a
// source of size bytes; the whole source when it is empty.
func copyRange(v string, size int64) (start, length int64, err *Error) {
	if v == "" {
		return 0, size, nil
	}
	first, last, ok := strings.Cut(strings.TrimPrefix(v, "bytes="), "-")
	a, err1 := strconv.ParseInt(first, 10, 64)
	b, err2 := strconv.ParseInt(last, 10, 64)
	if !strings.HasPrefix(v, "bytes=") || !ok || err1 != nil || err2 != nil || a < 0 || b < a {
		return 0, 0, errorf(http.StatusBadRequest, "InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").
			with("ArgumentName", "x-amz-copy-source-range").with("ArgumentValue", v)
	}
	if b >= size {
		return 0, 0, errorf(http.StatusBadRequest, "InvalidArgument", "Range specified is not valid for source object of size: %d", size).
			with("ArgumentName", "x-amz-copy-source-range").with("ArgumentValue", v)
	}
	return a, b - a + 1, nil
}

// completeMultipartUpload joins the listed parts, in order, into the
// object: each must exist with the ETag given, and all but the last be
// at least 5 MiB. The ETag is S3's: the MD5 of the parts' MD5s, then "-"
// and their count.
func (s *Service) completeMultipartUpload(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, u, err := s.uploadFor(ctx, c, "s3:PutObject", creationKeys(c.Request.Header, true))
	if err != nil {
		return err
	}
	cond, err := writeCondition(c.Request.Header) // note 55
	if err != nil {
		return err
	}
	wantSize, err := expectedObjectSize(c.Request.Header)
	if err != nil {
		return err
	}
	var req struct{ Part []completedPart }
	// The x-amz-checksum-* headers of this request are the object's, not
	// its body's (note 64).
	if err := readXMLOf(c, &req, maxCompleteBody, false, false); err != nil {
		return err
	}
	if len(req.Part) == 0 {
		return malformedXML()
	}
	stored, serr := s.store.Parts(ctx, u.ID)
	if serr != nil {
		return internal(serr)
	}
	byNumber := map[int]*trustgate.Part{}
	for _, p := range stored {
		byNumber[p.Number] = p
	}
	var chosen []*trustgate.Part
	var sizes []int64
	digests := md5.New()
	var size int64
	for i := 1; i < len(req.Part); i++ {
		if req.Part[i].PartNumber <= req.Part[i-1].PartNumber {
			return errorf(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.").with("UploadId", u.ID)
		}
	}
	for i, want := range req.Part {
		invalidPart := errorf(http.StatusBadRequest, "InvalidPart",
			"One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
			with("UploadId", u.ID).with("PartNumber", strconv.Itoa(want.PartNumber)).with("ETag", strings.Trim(want.ETag, `"`))
		p, ok := byNumber[want.PartNumber]
		if !ok || strings.Trim(want.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			return invalidPart
		}
		if err := checkPartChecksum(u, &want, p, invalidPart); err != nil {
			return err
		}
		if i < len(req.Part)-1 && p.Size < MinPartSize {
			return errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.").
				with("ProposedSize", strconv.FormatInt(p.Size, 10)).with("MinSizeAllowed", strconv.Itoa(MinPartSize)).with("PartNumber", strconv.Itoa(p.Number))
		}
		sum, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
		digests.Write(sum)
		size += p.Size
		sizes = append(sizes, p.Size)
		chosen = append(chosen, p)
	}
	if wantSize >= 0 && wantSize != size {
		return errorf(http.StatusBadRequest, "InvalidRequest", "The provided 'x-amz-mp-object-size' header value %d does not match what was computed: %d", wantSize, size)
	}
	checksum, cerr := uploadObjectChecksum(u, chosen)
	if cerr != nil {
		return internal(cerr)
	}
	if err := checkObjectChecksum(c.Request.Header, u, checksum); err != nil {
		return err
	}
	blob, jerr := s.join(chosen)
	if jerr != nil {
		return internal(jerr)
	}
	o := &trustgate.Object{Bucket: b.Name, Key: u.Key, Size: size, ContentType: u.ContentType, Metadata: u.Metadata, Headers: u.Headers, Tags: u.Tags,
		ETag: fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(digests.Sum(nil)), len(chosen)), Blob: blob, LastModified: s.now(), PartSizes: sizes,
		VersionID: versionFor(b)}
	takeLock(o.Headers).apply(o, b, o.LastModified)
	alg := uploadAlgorithm(u)
	if alg != nil {
		o.Headers["x-amz-checksum-"+alg.header] = checksum
		if u.ChecksumType == composite {
			o.Headers[checksumTypeHeader] = composite
		}
		for _, p := range chosen {
			o.PartChecksums = append(o.PartChecksums, p.Checksum)
		}
	}
	// An upload created without an algorithm answers with its object's
	// default checksum, which the object does not keep (note 66).
	answered, answeredType := alg, u.ChecksumType
	if alg == nil && checksum != "" {
		answered, answeredType = defaultChecksum, fullObject
	}
	markReplication(b, o)
	replaced, parts, cerr := s.store.CompleteUpload(ctx, u.ID, o, cond)
	if cerr != nil {
		s.blobs.Remove(blob)
		if failed := conditionFailed(cerr, cond, u.Key); failed != nil {
			return failed
		}
		switch {
		case errors.Is(cerr, trustgate.ErrLocked):
			return lockedVersion()
		case errors.Is(cerr, trustgate.ErrNotFound):
			return noSuchUpload(u.ID)
		}
		return internal(cerr)
	}
	s.replicationWritten(o)
	c.objectSize = o.Size
	for _, p := range parts {
		s.blobs.Remove(p.Blob)
	}
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	setEncryption(w.Header(), o)
	setNewVersion(w.Header(), o)
	setExpiration(w.Header(), b, o)
	return writeXML(w, c, http.StatusOK, struct {
		XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
		Xmlns    string   `xml:"xmlns,attr"`
		Location string
		Bucket   string
		Key      string
		ETag     string
		checksumElements
		ChecksumType string `xml:",omitempty"`
	}{Xmlns: Namespace, Location: objectURL(c.Request, b.Name, u.Key), Bucket: b.Name, Key: u.Key, ETag: o.ETag,
		checksumElements: checksumElementsOf(answered, checksum), ChecksumType: answeredType})
}

// expectedObjectSize is the size a CompleteMultipartUpload says its
// object has, in x-amz-mp-object-size, so that a part left out or listed
// twice fails the completion (note 66); -1 when it says none.
func expectedObjectSize(h http.Header) (int64, *Error) {
	v := h.Get("x-amz-mp-object-size")
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		return 0, errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-mp-object-size header is invalid: '%s'", v)
	case n < 0:
		return 0, errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-mp-object-size header is less than zero: '%d'", n)
	}
	return n, nil
}

// objectURL is the URL of an object as the request addressed its bucket:
// in the host (virtual-hosted style) or in the path, over HTTPS when the
// request came so.
func objectURL(r *http.Request, bucket, key string) string {
	path := (&url.URL{Path: "/" + key}).EscapedPath()
	if _, virtual := virtualHostBucket(hostName(r.Host)); !virtual {
		path = "/" + bucket + path
	}
	return origin(r) + path
}

// origin is the scheme and host a request came to.
func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// join writes the parts' bodies, in order, to one new blob.
func (s *Service) join(parts []*trustgate.Part) (string, error) {
	var readers []io.Reader
	for _, p := range parts {
		f, err := s.blobs.Open(p.Blob)
		if err != nil {
			return "", err
		}
		defer f.Close()
		readers = append(readers, f)
	}
	w, err := s.blobs.Put(io.MultiReader(readers...))
	if err != nil {
		return "", err
	}
	return w.ID, nil
}

func (s *Service) abortMultipartUpload(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	_, u, err := s.uploadFor(ctx, c, "s3:AbortMultipartUpload", nil)
	if err != nil {
		return err
	}
	parts, aerr := s.store.AbortUpload(ctx, u.ID)
	if aerr != nil {
		if errors.Is(aerr, trustgate.ErrNotFound) {
			return noSuchUpload(u.ID)
		}
		return internal(aerr)
	}
	for _, p := range parts {
		s.blobs.Remove(p.Blob)
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

type initiator struct {
	ID          string
	DisplayName string
}

func (s *Service) listParts(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, u, err := s.uploadFor(ctx, c, "s3:ListMultipartUploadParts", nil)
	if err != nil {
		return err
	}
	parts, serr := s.store.Parts(ctx, u.ID)
	if serr != nil {
		return internal(serr)
	}
	maxParts, err := countParam(c, "max-parts", 1000)
	if err != nil {
		return err
	}
	maxParts = min(maxParts, 1000)
	marker, err := countParam(c, "part-number-marker", 0)
	if err != nil {
		return err
	}
	type part struct {
		PartNumber   int
		LastModified string
		ETag         string
		Size         int64
		checksumElements
	}
	out := struct {
		XMLName              xml.Name `xml:"ListPartsResult"`
		Xmlns                string   `xml:"xmlns,attr"`
		Bucket               string
		Key                  string
		UploadId             string
		Initiator            initiator
		Owner                owner
		StorageClass         string
		PartNumberMarker     int
		NextPartNumberMarker int
		MaxParts             int
		IsTruncated          bool
		Part                 []part
		ChecksumAlgorithm    string `xml:",omitempty"`
		ChecksumType         string `xml:",omitempty"`
	}{Xmlns: Namespace, Bucket: b.Name, Key: u.Key, UploadId: u.ID, Initiator: initiator{ID: u.Initiator, DisplayName: u.Initiator},
		Owner: owner{ID: policy.CanonicalUserID(b.Account)}, StorageClass: storageClass(u.Headers), PartNumberMarker: marker, MaxParts: maxParts,
		ChecksumAlgorithm: u.ChecksumAlgorithm, ChecksumType: u.ChecksumType}
	alg := uploadAlgorithm(u)
	for _, p := range parts {
		if p.Number <= marker {
			continue
		}
		if len(out.Part) == maxParts {
			out.IsTruncated = true
			break
		}
		out.Part = append(out.Part, part{PartNumber: p.Number, LastModified: isoTime(p.LastModified), ETag: p.ETag, Size: p.Size,
			checksumElements: checksumElementsOf(alg, p.Checksum)})
		out.NextPartNumberMarker = p.Number
	}
	setAbortDate(w.Header(), b, u)
	return writeXML(w, c, http.StatusOK, out)
}

// listMultipartUploads lists a bucket's uploads in progress by key, then
// by when they began: after key-marker (and, for that key, after the
// upload upload-id-marker names), under prefix, keys sharing a prefix up
// to delimiter rolled into one CommonPrefixes entry, max-uploads at most.
func (s *Service) listMultipartUploads(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:ListBucketMultipartUploads")
	if err != nil {
		return err
	}
	q := c.query
	prefix, delimiter, keyMarker, idMarker := q.Get("prefix"), q.Get("delimiter"), q.Get("key-marker"), q.Get("upload-id-marker")
	encode, eerr := encodingOf(q)
	if eerr != nil {
		return eerr
	}
	maxUploads := MaxListedUploads
	if v := q.Get("max-uploads"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 0 {
			return errorf(http.StatusBadRequest, "InvalidArgument", "Argument max-uploads must be an integer between 0 and 2147483647").
				with("ArgumentName", "max-uploads").with("ArgumentValue", v)
		}
		maxUploads = min(n, MaxListedUploads)
	}
	uploads, serr := s.store.Uploads(ctx, b.Name)
	if serr != nil {
		return internal(serr)
	}
	type upload struct {
		Key               string
		UploadId          string
		Initiator         initiator
		Owner             owner
		StorageClass      string
		Initiated         string
		ChecksumAlgorithm string `xml:",omitempty"`
		ChecksumType      string `xml:",omitempty"`
	}
	out := struct {
		XMLName            xml.Name `xml:"ListMultipartUploadsResult"`
		Xmlns              string   `xml:"xmlns,attr"`
		Bucket             string
		KeyMarker          string
		UploadIdMarker     string
		NextKeyMarker      string `xml:",omitempty"`
		NextUploadIdMarker string `xml:",omitempty"`
		Delimiter          string `xml:",omitempty"`
		Prefix             string
		MaxUploads         int
		IsTruncated        bool
		Upload             []upload
		CommonPrefixes     []commonPrefix
		EncodingType       string `xml:",omitempty"`
	}{Xmlns: Namespace, Bucket: b.Name, KeyMarker: encode(keyMarker), UploadIdMarker: idMarker, Delimiter: encode(delimiter), Prefix: encode(prefix),
		MaxUploads: maxUploads, EncodingType: q.Get("encoding-type")}
	// A page that ended on a common prefix resumes after its group.
	groupMarker := delimiter != "" && strings.HasPrefix(keyMarker, prefix) && strings.HasSuffix(keyMarker, delimiter) &&
		strings.Contains(keyMarker[len(prefix):], delimiter)
	lastPrefix := ""
	for _, u := range uploads {
		switch {
		case !strings.HasPrefix(u.Key, prefix), u.Key < keyMarker, groupMarker && strings.HasPrefix(u.Key, keyMarker):
			continue
		case u.Key == keyMarker && (idMarker == "" || u.ID <= idMarker):
			// Of the marker key, only the uploads after the marker id, as
			// S3 pages them: whether or not the marker upload still is.
			continue
		}
		group := ""
		if delimiter != "" {
			if i := strings.Index(u.Key[len(prefix):], delimiter); i >= 0 {
				group = u.Key[:len(prefix)+i+len(delimiter)]
			}
		}
		if group != "" && group == lastPrefix {
			continue
		}
		if len(out.Upload)+len(out.CommonPrefixes) == maxUploads {
			out.IsTruncated = maxUploads > 0
			break
		}
		if group != "" {
			out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{encode(group)})
			lastPrefix = group
			out.NextKeyMarker, out.NextUploadIdMarker = encode(group), ""
			continue
		}
		out.Upload = append(out.Upload, upload{Key: encode(u.Key), UploadId: u.ID, Initiator: initiator{ID: u.Initiator, DisplayName: u.Initiator},
			Owner: owner{ID: policy.CanonicalUserID(b.Account)}, StorageClass: storageClass(u.Headers), Initiated: isoTime(u.Initiated),
			ChecksumAlgorithm: u.ChecksumAlgorithm, ChecksumType: u.ChecksumType})
		out.NextKeyMarker, out.NextUploadIdMarker = encode(u.Key), u.ID
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextUploadIdMarker = "", ""
	}
	return writeXML(w, c, http.StatusOK, out)
}
