package s3api

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"hash/crc32"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/store"
)

// DefaultMaxKeys is the most keys a listing returns, and its default.
const DefaultMaxKeys = 1000

// page is one page of a listing, its entries grouped by delimiter: the
// entries themselves, the common prefixes that stand for the others,
// and where the next page starts (a mark of type M).
type page[T, M any] struct {
	entries   []T
	prefixes  []string
	truncated bool
	next      M
}

// listing is a page of a bucket's keys, resumed after a key or prefix.
type listing = page[*trustgate.Object, string]

// paginate reads entries in key order with read, from after on, and
// groups those whose keys share a common prefix up to the delimiter,
// until maxKeys entries and prefixes. markOf is where a listing resumes
// after an entry; groupMark, after a common prefix: past its group
// (skip), and as the next page names it (next).
func paginate[T, M any](prefix, delimiter string, maxKeys int, after M, read func(after M) ([]T, error),
	keyOf func(T) string, markOf func(T) M, groupMark func(prefix string) (skip, next M)) (*page[T, M], error) {
	p := &page[T, M]{}
	last := ""
	for {
		batch, err := read(after)
		if err != nil || len(batch) == 0 {
			return p, err
		}
		for _, e := range batch {
			entry, isPrefix := groupOf(keyOf(e), prefix, delimiter)
			if isPrefix && entry == last {
				continue
			}
			if len(p.entries)+len(p.prefixes) == maxKeys {
				// A listing of no keys asked for is never truncated.
				p.truncated = maxKeys > 0
				return p, nil
			}
			if isPrefix {
				p.prefixes = append(p.prefixes, entry)
				after, p.next = groupMark(entry)
				last = entry
				break
			}
			p.entries = append(p.entries, e)
			after = markOf(e)
			p.next = after
		}
	}
}

// list reads keys after after, grouping those that share a common prefix
// up to the delimiter, until maxKeys entries (keys and prefixes).
func (s *Service) list(ctx context.Context, bucket, prefix, delimiter, after string, maxKeys int) (*listing, error) {
	if endsGroup(after, prefix, delimiter) {
		after += "\xff"
	}
	return paginate(prefix, delimiter, maxKeys, after,
		func(after string) ([]*trustgate.Object, error) {
			return s.store.Objects(ctx, bucket, prefix, after, DefaultMaxKeys)
		},
		func(o *trustgate.Object) string { return o.Key },
		func(o *trustgate.Object) string { return o.Key },
		// Skip the rest of the group: no UTF-8 key has a 0xff byte.
		func(group string) (string, string) { return group + "\xff", group })
}

// endsGroup tells whether after, where a page resumes, is a common
// prefix: a page that ended on one resumes after its group.
func endsGroup(after, prefix, delimiter string) bool {
	return delimiter != "" && strings.HasPrefix(after, prefix) && strings.HasSuffix(after, delimiter) &&
		strings.Contains(after[len(prefix):], delimiter)
}

// groupOf is the entry a key is listed as: itself, or the common prefix
// it shares up to the delimiter (isPrefix).
func groupOf(key, prefix, delimiter string) (entry string, isPrefix bool) {
	if delimiter != "" {
		if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
			return key[:len(prefix)+i+len(delimiter)], true
		}
	}
	return key, false
}

type listedObject struct {
	Key          string
	LastModified string
	ETag         string
	listedChecksum
	Size         int64
	StorageClass string
	Owner        *owner `xml:",omitempty"`
}

// listedChecksum names the algorithm and type of an object's checksum in
// a listing, when it has one.
type listedChecksum struct {
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
}

func listedChecksumOf(o *trustgate.Object) listedChecksum {
	alg, _, typ := storedChecksum(o.Headers)
	if alg == nil {
		return listedChecksum{}
	}
	return listedChecksum{alg.name, typ}
}

type commonPrefix struct {
	Prefix string
}

// encodingOf is how a listing writes its keys and prefixes, by its
// encoding-type: as they are, or encoded as URL (note 56).
func encodingOf(q url.Values) (func(string) string, *Error) {
	switch et := q.Get("encoding-type"); et {
	case "":
		return func(s string) string { return s }, nil
	case "url":
		return encodeURL, nil
	default:
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Invalid Encoding Method specified in Request").
			with("ArgumentName", "encoding-type").with("ArgumentValue", et)
	}
}

// listParams reads and authorizes what the listings share: prefix,
// delimiter, max-keys and encoding-type, with s3:ListBucket's keys, for
// action (s3:ListBucket, or s3:ListBucketVersions for ListObjectVersions).
func (s *Service) listParams(ctx context.Context, c *Call, action string) (b *trustgate.Bucket, prefix, delimiter string, maxKeys int, encode func(string) string, err *Error) {
	if b, err = s.bucketFor(ctx, c); err != nil {
		return
	}
	q := c.query
	prefix, delimiter = q.Get("prefix"), q.Get("delimiter")
	if maxKeys, err = countParam(c, "max-keys", DefaultMaxKeys); err != nil {
		return
	}
	maxKeys = min(maxKeys, DefaultMaxKeys)
	if encode, err = encodingOf(q); err != nil {
		return
	}
	keys := policy.NewContext()
	keys.Set("s3:prefix", prefix)
	if delimiter != "" {
		keys.Set("s3:delimiter", delimiter)
	}
	keys.Set("s3:max-keys", strconv.Itoa(maxKeys))
	err = s.authorize(ctx, c, action, b.ARN(), b, keys)
	return
}

// countParam reads a parameter that counts (max-keys, max-parts,
// part-number-marker): a whole number from 0, def when absent.
func countParam(c *Call, name string, def int) (int, *Error) {
	return parseCount(name, c.query.Get(name), def)
}

// parseCount reads v, the value of the parameter or header name that
// counts: a whole number from 0, def when empty.
func parseCount(name, v string, def int) (int, *Error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "InvalidArgument", "Provided %s not an integer or within integer range", name).
			with("ArgumentName", name).with("ArgumentValue", v)
	}
	return n, nil
}

// listObjectVersions lists a bucket's versions and delete markers, by
// key and each key's newest first (note 75). In a bucket that never had
// versioning, each object is its one version, null, and the latest.
func (s *Service) listObjectVersions(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, prefix, delimiter, maxKeys, encode, err := s.listParams(ctx, c, "s3:ListBucketVersions")
	if err != nil {
		return err
	}
	keyMarker, versionMarker := c.query.Get("key-marker"), c.query.Get("version-id-marker")
	after := store.VersionMark{Key: keyMarker}
	if versionMarker != "" {
		if keyMarker == "" {
			return errorf(http.StatusBadRequest, "InvalidArgument", "A version-id marker cannot be specified without a key marker.").
				with("ArgumentName", "version-id-marker").with("ArgumentValue", versionMarker)
		}
		v, err := parseVersion("version-id-marker", versionMarker)
		if err != nil {
			return err
		}
		after.Version, after.InKey = v, true
	}
	l, lerr := s.listVersions(ctx, b.Name, prefix, delimiter, after, maxKeys)
	if lerr != nil {
		return internal(lerr)
	}
	out := struct {
		XMLName             xml.Name `xml:"ListVersionsResult"`
		Xmlns               string   `xml:"xmlns,attr"`
		Name                string
		Prefix              string
		KeyMarker           string
		VersionIdMarker     string
		NextKeyMarker       string `xml:",omitempty"`
		NextVersionIdMarker string `xml:",omitempty"`
		MaxKeys             int
		Delimiter           string `xml:",omitempty"`
		EncodingType        string `xml:",omitempty"`
		IsTruncated         bool
		Entries             []any
		CommonPrefixes      []commonPrefix
	}{Xmlns: Namespace, Name: b.Name, Prefix: encode(prefix), KeyMarker: encode(keyMarker), VersionIdMarker: versionMarker, MaxKeys: maxKeys,
		Delimiter: encode(delimiter), EncodingType: c.query.Get("encoding-type"), IsTruncated: l.truncated}
	if l.truncated {
		out.NextKeyMarker = encode(l.next.Key)
		if l.next.InKey {
			out.NextVersionIdMarker = wireVersion(l.next.Version)
		}
	}
	owner := owner{ID: policy.CanonicalUserID(b.Account)}
	for _, o := range l.entries {
		if o.DeleteMarker {
			out.Entries = append(out.Entries, listedDeleteMarker{Key: encode(o.Key), VersionId: wireVersion(o.VersionID), IsLatest: o.IsLatest,
				LastModified: isoTime(o.LastModified), Owner: owner})
			continue
		}
		out.Entries = append(out.Entries, listedVersion{Key: encode(o.Key), VersionId: wireVersion(o.VersionID), IsLatest: o.IsLatest,
			LastModified: isoTime(o.LastModified), ETag: o.ETag, listedChecksum: listedChecksumOf(o), Size: o.Size, Owner: owner,
			StorageClass: storageClass(o.Headers)})
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{encode(p)})
	}
	return writeXML(w, c, http.StatusOK, out)
}

// listedVersion and listedDeleteMarker are the entries of a listing of
// versions, in the order they come.
type listedVersion struct {
	XMLName      xml.Name `xml:"Version"`
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified string
	ETag         string
	listedChecksum
	Size         int64
	StorageClass string
	Owner        owner
}

type listedDeleteMarker struct {
	XMLName      xml.Name `xml:"DeleteMarker"`
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified string
	Owner        owner
}

// versionListing is a page of a bucket's versions, resumed after a
// version or prefix.
type versionListing = page[*trustgate.Object, store.VersionMark]

// listVersions reads versions after after, grouping the keys that share
// a common prefix up to the delimiter, until maxKeys entries (versions
// and prefixes).
func (s *Service) listVersions(ctx context.Context, bucket, prefix, delimiter string, after store.VersionMark, maxKeys int) (*versionListing, error) {
	if !after.InKey && endsGroup(after.Key, prefix, delimiter) {
		after.Key += "\xff"
	}
	return paginate(prefix, delimiter, maxKeys, after,
		func(after store.VersionMark) ([]*trustgate.Object, error) {
			return s.store.ObjectVersions(ctx, bucket, prefix, after, DefaultMaxKeys)
		},
		func(o *trustgate.Object) string { return o.Key },
		func(o *trustgate.Object) store.VersionMark {
			return store.VersionMark{Key: o.Key, Version: o.VersionID, InKey: true}
		},
		func(group string) (store.VersionMark, store.VersionMark) {
			return store.VersionMark{Key: group + "\xff"}, store.VersionMark{Key: group}
		})
}

func (s *Service) listObjectsV2(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, prefix, delimiter, maxKeys, encode, err := s.listParams(ctx, c, "s3:ListBucket")
	if err != nil {
		return err
	}
	after := c.query.Get("start-after")
	token := c.query.Get("continuation-token")
	if token != "" {
		resume, ok := resumePoint(token)
		if !ok {
			return badContinuationToken(token)
		}
		after = resume
	}
	l, lerr := s.list(ctx, b.Name, prefix, delimiter, after, maxKeys)
	if lerr != nil {
		return internal(lerr)
	}
	out := struct {
		XMLName               xml.Name `xml:"ListBucketResult"`
		Xmlns                 string   `xml:"xmlns,attr"`
		Name                  string
		Prefix                string
		Delimiter             string `xml:",omitempty"`
		MaxKeys               int
		EncodingType          string `xml:",omitempty"`
		KeyCount              int
		IsTruncated           bool
		ContinuationToken     string `xml:",omitempty"`
		NextContinuationToken string `xml:",omitempty"`
		StartAfter            string `xml:",omitempty"`
		Contents              []listedObject
		CommonPrefixes        []commonPrefix
	}{Xmlns: Namespace, Name: b.Name, Prefix: encode(prefix), Delimiter: encode(delimiter), MaxKeys: maxKeys, EncodingType: c.query.Get("encoding-type"),
		KeyCount: len(l.entries) + len(l.prefixes), IsTruncated: l.truncated, ContinuationToken: token, StartAfter: encode(c.query.Get("start-after"))}
	if l.truncated {
		out.NextContinuationToken = continuationToken(l.next)
	}
	fetchOwner := c.query.Get("fetch-owner") == "true"
	for _, o := range l.entries {
		lo := listedOf(o, encode)
		if fetchOwner {
			lo.Owner = &owner{ID: policy.CanonicalUserID(b.Account)}
		}
		out.Contents = append(out.Contents, lo)
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{encode(p)})
	}
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) listObjects(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, prefix, delimiter, maxKeys, encode, err := s.listParams(ctx, c, "s3:ListBucket")
	if err != nil {
		return err
	}
	marker := c.query.Get("marker")
	l, lerr := s.list(ctx, b.Name, prefix, delimiter, marker, maxKeys)
	if lerr != nil {
		return internal(lerr)
	}
	out := struct {
		XMLName        xml.Name `xml:"ListBucketResult"`
		Xmlns          string   `xml:"xmlns,attr"`
		Name           string
		Prefix         string
		Marker         string
		NextMarker     string `xml:",omitempty"`
		MaxKeys        int
		Delimiter      string `xml:",omitempty"`
		EncodingType   string `xml:",omitempty"`
		IsTruncated    bool
		Contents       []listedObject
		CommonPrefixes []commonPrefix
	}{Xmlns: Namespace, Name: b.Name, Prefix: encode(prefix), Marker: encode(marker), MaxKeys: maxKeys, Delimiter: encode(delimiter),
		EncodingType: c.query.Get("encoding-type"), IsTruncated: l.truncated}
	if l.truncated && delimiter != "" {
		// Without a delimiter the client continues from its last key.
		out.NextMarker = encode(l.next)
	}
	for _, o := range l.entries {
		lo := listedOf(o, encode)
		lo.Owner = &owner{ID: policy.CanonicalUserID(b.Account)}
		out.Contents = append(out.Contents, lo)
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{encode(p)})
	}
	return writeXML(w, c, http.StatusOK, out)
}

func listedOf(o *trustgate.Object, encode func(string) string) listedObject {
	return listedObject{Key: encode(o.Key), LastModified: isoTime(o.LastModified), ETag: o.ETag, listedChecksum: listedChecksumOf(o), Size: o.Size,
		StorageClass: storageClass(o.Headers)}
}

// storageClass is the storage class of an object or upload by its kept
// headers: STANDARD unless another was asked for.
func storageClass(headers map[string]string) string {
	if class := headers["X-Amz-Storage-Class"]; class != "" {
		return class
	}
	return "STANDARD"
}

// encodeURL encodes a key, prefix or delimiter of a listing as S3 does
// for encoding-type=url (note 56): letters, digits and "-_.*/" stay as
// they are, a space is "+", and every other byte is upper-case %XX.
func encodeURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.*/", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// A continuation token is the name a listing resumes after, then a
// CRC-32 of it, in URL-safe base64. Clients take it as opaque, as S3's
// own; the checksum makes a token that was never handed out (a typo, a
// key, another listing's marker) an error instead of a place to start
// (note 72).
func continuationToken(after string) string {
	b := binary.BigEndian.AppendUint32([]byte(after), crc32.ChecksumIEEE([]byte(after)))
	return base64.RawURLEncoding.EncodeToString(b)
}

// resumePoint is the name a continuation token resumes after; false
// when the token is not one continuationToken made.
func resumePoint(token string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 4 {
		return "", false
	}
	name, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(name) != sum || !utf8.Valid(name) {
		return "", false
	}
	return string(name), true
}

func badContinuationToken(token string) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect").
		with("ArgumentName", "continuation-token").with("ArgumentValue", token)
}
