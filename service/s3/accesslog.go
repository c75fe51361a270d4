package s3api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
)

// Server access logs (note 79): a record of each request on a bucket
// with logging, kept until a delivery writes the records of each bucket
// as a log object into its target bucket.

// accessLogs are the records not yet delivered, by source bucket, and
// their size, which maxAccessLogBytes bounds.
type accessLogs struct {
	mu        sync.Mutex
	records   map[loggedBucket][]string
	bytes     int
	perSource map[loggedBucket]int // the bytes of each source's records
}

// loggedBucket names a source bucket as it was when its records were
// made: a bucket deleted and made again, perhaps by another account,
// is another, and gets none of them.
type loggedBucket struct {
	name, account string
	created       int64
}

// loggedBucketOf names b as its records name it.
func loggedBucketOf(b *trustgate.Bucket) loggedBucket {
	return loggedBucket{b.Name, b.Account, b.CreatedAt.UnixNano()}
}

// maxAccessLogBytes bounds the records kept between deliveries, and
// maxSourceLogBytes those of one source bucket; past them, records are
// dropped, as S3's delivery is best effort.
const (
	maxAccessLogBytes = 64 << 20
	maxSourceLogBytes = 16 << 20
)

// maxLoggedHeader bounds the user agent and referer a record keeps.
const maxLoggedHeader = 1024

// Served is what the server knows of a request once S3 has answered it,
// for its access log.
type Served struct {
	Status  int
	Bytes   int64
	Started time.Time
	// Answered is from the request's start to its answer's last byte,
	// FirstByte to its first (zero when unknown).
	Answered  time.Duration
	FirstByte time.Duration
	ErrCode   string
}

// turnAround is the turn-around field of a record: the milliseconds from
// the request to the first byte of its answer. S3 counts them from the
// request's last byte; trustgate from its first, so a write's includes
// the time its body took to come.
func turnAround(served Served) string {
	if served.FirstByte <= 0 {
		return "-"
	}
	return strconv.FormatInt(served.FirstByte.Milliseconds(), 10)
}

// RecordAccess keeps the access log record of a call on a bucket with
// logging.
func (s *Service) RecordAccess(c *Call, served Served) {
	if b := c.logged; b != nil && b.Logging != nil {
		entry := logEntry{operation: operationName(c), key: c.key, version: c.query.Get("versionId"), status: served.Status,
			errCode: served.ErrCode, bytes: served.Bytes, objectSize: c.objectSize}
		s.keepRecords(loggedBucketOf(b), accessRecord(c, b, served, entry))
	}
	for _, more := range c.moreRecords {
		if b := more.bucket; b.Logging != nil {
			s.keepRecords(loggedBucketOf(b), accessRecord(c, b, served, more.logEntry))
		}
	}
}

// logEntry is what a record says the request did: its operation, on
// which key and version, with what outcome.
type logEntry struct {
	operation, key, version string
	status                  int
	errCode                 string
	bytes, objectSize       int64
	// beside tells a record left beside the request's own, which names
	// no request line, turn-around time, referer or user agent.
	beside bool
}

// loggedElsewhere is a record a call leaves beside its own: one per key
// of a multi-object delete (BATCH.DELETE.OBJECT), and the read of a
// copy's source (REST.COPY.OBJECT_GET), in the log of the bucket it was
// on.
type loggedElsewhere struct {
	bucket *trustgate.Bucket
	logEntry
}

// logAlso adds a record of the call's beside its own, when b has logging.
func (c *Call) logAlso(b *trustgate.Bucket, e logEntry) {
	if b != nil && b.Logging != nil {
		e.beside = true
		c.moreRecords = append(c.moreRecords, loggedElsewhere{b, e})
	}
}

// Logged tells whether the call left an access log record to keep: on a
// bucket with logging, or beside it.
func (c *Call) Logged() bool {
	return c.logged != nil && c.logged.Logging != nil || len(c.moreRecords) > 0
}

// keepRecords keeps records of a bucket for the next delivery, within
// maxAccessLogBytes.
func (s *Service) keepRecords(source loggedBucket, lines ...string) {
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	s.logs.mu.Lock()
	defer s.logs.mu.Unlock()
	// One bucket's requests, anonymous or refused ones included, cannot
	// crowd out the others'.
	if s.logs.bytes+size > maxAccessLogBytes || s.logs.perSource[source]+size > maxSourceLogBytes {
		return
	}
	if s.logs.records == nil {
		s.logs.records, s.logs.perSource = map[loggedBucket][]string{}, map[loggedBucket]int{}
	}
	s.logs.records[source] = append(s.logs.records[source], lines...)
	s.logs.bytes += size
	s.logs.perSource[source] += size
}

// loggedName is a key or version id as a record names it: URL-encoded
// but for its slashes, so that no space or line break splits the record.
func loggedName(v string) string {
	if v == "" {
		return "-"
	}
	return strings.ReplaceAll(url.PathEscape(v), "%2F", "/")
}

// loggedHeader is a header's value as a record quotes it.
func loggedHeader(v string) string {
	if v == "" {
		v = "-"
	}
	if len(v) > maxLoggedHeader {
		v = v[:maxLoggedHeader]
	}
	return strconv.Quote(v)
}

// accessRecord is a call's record in S3's server access log format: its
// fields apart by spaces, "-" for each that does not apply.
func accessRecord(c *Call, b *trustgate.Bucket, served Served, e logEntry) string {
	r := c.Request
	field := func(v string) string {
		if v == "" {
			return "-"
		}
		return v
	}
	number := func(n int64) string {
		if n <= 0 {
			return "-"
		}
		return strconv.FormatInt(n, 10)
	}
	requester := "-"
	if c.Principal != nil && c.Principal.Kind != policy.Anonymous {
		requester = c.Principal.ARN
	}
	signature, auth := "-", "-"
	if c.Signed != nil {
		signature, auth = "SigV4", "AuthHeader"
		if c.Signed.Presigned || c.Signed.Post {
			auth = "QueryString"
		}
	}
	tlsVersion := "-"
	if r.TLS != nil {
		tlsVersion = "TLSv" + tlsVersionName(r.TLS.Version)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	requestLine, turnAroundTime := `"`+r.Method+" "+requestURI(r)+" "+r.Proto+`"`, turnAround(served)
	referer, userAgent := loggedHeader(r.Referer()), loggedHeader(r.UserAgent())
	accessPoint := "-"
	if ap := c.accessPoint; ap != nil && ap.Bucket == b.Name && !e.beside {
		accessPoint = ap.ARN()
	}
	if e.beside {
		requestLine, turnAroundTime, referer, userAgent = `"-"`, "-", `"-"`, `"-"`
	}
	return strings.Join([]string{
		policy.CanonicalUserID(b.Account),
		b.Name,
		"[" + served.Started.UTC().Format(accessLogTime) + "]",
		field(host),
		requester,
		c.RequestID,
		e.operation,
		loggedName(e.key),
		requestLine,
		strconv.Itoa(e.status),
		field(e.errCode),
		number(e.bytes),
		number(e.objectSize),
		strconv.FormatInt(served.Answered.Milliseconds(), 10),
		turnAroundTime,
		referer,
		userAgent,
		loggedName(e.version),
		hostID(c.RequestID),
		signature,
		"-", // the cipher suite
		auth,
		field(r.Host),
		tlsVersion,
		accessPoint,
		"-", // no ACL decides a request here
	}, " ")
}

// lifecycleRecord keeps the record of what a lifecycle rule did to b at
// at, when b has logging: S3.EXPIRE.OBJECT (a version or delete marker
// removed for good), S3.CREATE.DELETEMARKER (a current version expired
// under a delete marker) or S3.DELETE.UPLOAD (an upload aborted), by the
// requester AmazonS3, with no request to tell of.
func (s *Service) lifecycleRecord(b *trustgate.Bucket, at time.Time, operation, key, version string, size int64) {
	if b.Logging == nil {
		return
	}
	id := make([]byte, 8)
	rand.Read(id)
	objectSize := "-"
	if size > 0 {
		objectSize = strconv.FormatInt(size, 10)
	}
	line := strings.Join([]string{
		policy.CanonicalUserID(b.Account), b.Name, "[" + at.UTC().Format(accessLogTime) + "]", "-", "AmazonS3",
		strings.ToUpper(hex.EncodeToString(id)), operation, loggedName(key), `"-"`, "-", "-", "-", objectSize, "-", "-",
		`"-"`, `"-"`, loggedName(version), "-", "-", "-", "-", "-", "-", "-", "-",
	}, " ")
	s.keepRecords(loggedBucketOf(b), line)
}

// accessLogTime is how a record writes when its request came.
const accessLogTime = "02/Jan/2006:15:04:05 -0700"

// requestURI is a request's target as it was sent, which no space or
// line break can be in.
func requestURI(r *http.Request) string {
	if r.RequestURI != "" && !strings.ContainsAny(r.RequestURI, " \r\n\"") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// tlsVersionName is a TLS version as the log names it.
func tlsVersionName(v uint16) string {
	if v == 0x0304 {
		return "1.3"
	}
	return "1.2"
}

// operationName is a call's operation as S3's access log names it:
// REST, its method and what it is on.
func operationName(c *Call) string {
	r := c.Request
	method := r.Method
	if c.Form != nil {
		return "REST.POST.OBJECT"
	}
	if method == http.MethodOptions {
		return "REST.OPTIONS.PREFLIGHT"
	}
	if IsWebsiteRequest(r) {
		return "WEBSITE." + method + ".OBJECT"
	}
	has := func(sub string) bool { _, ok := c.query[sub]; return ok }
	if c.key != "" {
		switch {
		case has("uploadId") && method == http.MethodPut && namesCopySource(r):
			return "REST.COPY.PART"
		case has("uploadId") && method == http.MethodPut:
			return "REST.PUT.PART"
		}
		for _, sub := range objectOperations {
			if has(sub.subresource) {
				return "REST." + method + "." + sub.name
			}
		}
		if method == http.MethodPut && namesCopySource(r) {
			return "REST.COPY.OBJECT"
		}
		return "REST." + method + ".OBJECT"
	}
	for _, sub := range bucketOperations {
		if has(sub.subresource) {
			return "REST." + method + "." + sub.name
		}
	}
	return "REST." + method + ".BUCKET"
}

// objectOperations name the operations on an object's subresources, in
// the order a request naming two is named by.
var objectOperations = []struct{ subresource, name string }{
	{"uploadId", "UPLOAD"}, {"uploads", "UPLOADS"}, {"tagging", "OBJECT_TAGGING"}, {"acl", "ACL"},
	{"attributes", "OBJECT_ATTRIBUTES"}, {"retention", "RETENTION"}, {"legal-hold", "LEGAL_HOLD"},
}

// bucketOperations name the operations on a bucket's subresources, in
// the order a request naming two is named by.
var bucketOperations = []struct{ subresource, name string }{
	{"delete", "MULTI_OBJECT_DELETE"}, {"versions", "BUCKETVERSIONS"}, {"policyStatus", "POLICY_STATUS"}, {"policy", "BUCKETPOLICY"},
	{"logging", "LOGGING_STATUS"}, {"publicAccessBlock", "PUBLIC_ACCESS_BLOCK"}, {"ownershipControls", "OWNERSHIP_CONTROLS"},
	{"object-lock", "OBJECT_LOCK_CONFIGURATION"}, {"uploads", "UPLOADS"}, {"location", "LOCATION"}, {"versioning", "VERSIONING"},
	{"lifecycle", "LIFECYCLE"}, {"cors", "CORS"}, {"encryption", "ENCRYPTION"}, {"tagging", "TAGGING"}, {"website", "WEBSITE"},
	{"acl", "ACL"}, {"replication", "REPLICATION"}, {"notification", "NOTIFICATION"}, {"accelerate", "ACCELERATE"},
	{"requestPayment", "REQUEST_PAYMENT"}, {"intelligent-tiering", "INTELLIGENT_TIERING"}, {"analytics", "ANALYTICS"},
	{"metrics", "METRICS"}, {"inventory", "INVENTORY"}, {"abac", "ABAC"},
}

// DeliverAccessLogs writes the records kept so far, each source bucket's
// into one log object in the target its logging names now, named as its
// key format says for the moment now. A bucket whose logging is gone,
// or whose target is, loses its records, as S3's delivery does. It
// returns how many log objects it wrote.
func (s *Service) DeliverAccessLogs(ctx context.Context, now time.Time) (int, error) {
	s.logs.mu.Lock()
	records := s.logs.records
	s.logs.records, s.logs.bytes, s.logs.perSource = nil, 0, nil
	s.logs.mu.Unlock()
	written := 0
	var failed error
	for logged, lines := range records {
		source, err := s.store.Bucket(ctx, logged.name)
		if err != nil || source.Logging == nil || source.Account != logged.account || source.CreatedAt.UnixNano() != logged.created {
			if err != nil && !errors.Is(err, trustgate.ErrNotFound) {
				s.keepRecords(logged, lines...) // for the next delivery
				failed = err
			}
			continue
		}
		target, err := s.store.Bucket(ctx, source.Logging.TargetBucket)
		if err != nil && !errors.Is(err, trustgate.ErrNotFound) {
			s.keepRecords(logged, lines...) // for the next delivery
			failed = err
			continue
		}
		if err != nil || target.Account != source.Account || target.Region != source.Region || target.RequesterPays {
			continue // S3 delivers to no Requester Pays target either
		}
		for _, group := range logObjects(source, lines, now) {
			if allowed, err := s.logDeliveryAllowed(ctx, source, target, group.key); err != nil || !allowed {
				if err != nil {
					s.keepRecords(logged, group.lines...)
					failed = err
				}
				continue // the target's policy does not let S3 deliver
			}
			if err := s.writeLogObject(ctx, target, group.key, group.lines, now); err != nil {
				s.keepRecords(logged, group.lines...) // not the target's doing: try again
				failed = err
				continue
			}
			written++
		}
	}
	return written, failed
}

// logDelivery is the service that delivers server access logs.
var logDelivery = &trustgate.Principal{Caller: policy.Caller{Kind: policy.Service, ServiceName: "logging.s3.amazonaws.com"}}

// logDeliveryAllowed tells whether the target's bucket policy lets S3's
// log delivery write the log object key of source: s3:PutObject granted
// to logging.s3.amazonaws.com, which sees the source bucket as
// aws:SourceArn and its owner as aws:SourceAccount. A bucket whose ACLs
// are disabled, as every bucket here, takes logs by its policy alone.
func (s *Service) logDeliveryAllowed(ctx context.Context, source, target *trustgate.Bucket, key string) (bool, error) {
	keys := policy.NewContext()
	keys.Set("aws:SourceArn", source.ARN())
	keys.Set("aws:SourceAccount", source.Account)
	keys.Set("s3:ResourceAccount", target.Account)
	r, err := s.access.Check(ctx, &access.Request{Principal: logDelivery, Action: "s3:PutObject", Resource: target.ARN() + "/" + key,
		ResourceAccount: target.Account, ResourcePolicy: target.Policy, ResourceKind: policy.Resource, Context: keys,
		Origin: access.Origin{SecureTransport: true}})
	return err == nil && r.Decision == authz.Allow, err
}

// writeLogObject writes records as the log object key of target, which
// never takes the place of another object; a target gone is no error.
func (s *Service) writeLogObject(ctx context.Context, target *trustgate.Bucket, key string, lines []string, now time.Time) error {
	body := []byte(strings.Join(lines, "\n") + "\n")
	blob, err := s.blobs.PutSmall(bytes.NewReader(body), MaxInlineBody, int64(len(body)))
	if err != nil {
		return err
	}
	o := &trustgate.Object{Bucket: target.Name, Key: key, Size: blob.Size, ETag: `"` + hex.EncodeToString(blob.MD5) + `"`,
		ContentType: "text/plain", Blob: blob.ID, Inline: blob.Inline, LastModified: now, VersionID: versionFor(target),
		Metadata: map[string]string{}, Headers: map[string]string{sseHeader: "AES256"}}
	lockAsked{}.apply(o, target, now)
	if _, err := s.putVersion(ctx, target, o, trustgate.WriteCondition{IfNoneMatch: true}); err != nil {
		s.blobs.Remove(blob.ID)
		if errors.Is(err, trustgate.ErrNotFound) || errors.Is(err, trustgate.ErrPrecondition) {
			return nil
		}
		return err
	}
	return nil
}

// logGroup is the records of one log object, and its key.
type logGroup struct {
	key   string
	lines []string
}

// logObjects parts a source's records into the log objects a delivery at
// now writes: one, unless the key format partitions by the records' own
// day (EventTime, the default), which makes one a day.
func logObjects(source *trustgate.Bucket, lines []string, now time.Time) []logGroup {
	l := source.Logging
	if l.KeyFormat != trustgate.PartitionedPrefix || l.PartitionDateSource == "DeliveryTime" {
		return []logGroup{{logObjectKey(source, now), lines}}
	}
	var groups []logGroup
	index := map[string]int{}
	for _, line := range lines {
		day := eventTime(line, now).Format("2006-01-02")
		i, ok := index[day]
		if !ok {
			at, _ := time.Parse("2006-01-02", day)
			i, index[day] = len(groups), len(groups)
			groups = append(groups, logGroup{key: logObjectKey(source, at)})
		}
		groups[i].lines = append(groups[i].lines, line)
	}
	return groups
}

// eventTime is when a record's request came, from its bracketed time;
// fallback for a record without one.
func eventTime(line string, fallback time.Time) time.Time {
	start, end := strings.IndexByte(line, '['), strings.IndexByte(line, ']')
	if start < 0 || end < start {
		return fallback
	}
	t, err := time.Parse(accessLogTime, line[start+1:end])
	if err != nil {
		return fallback
	}
	return t.UTC()
}

// logObjectKey names a log object of source delivered at now: the
// target prefix, then, partitioned, the account, region, bucket and
// day, then the time and a unique string.
func logObjectKey(source *trustgate.Bucket, now time.Time) string {
	l := source.Logging
	now = now.UTC()
	unique := make([]byte, 8)
	rand.Read(unique)
	stamp := now.Format("2006-01-02-15-04-05")
	key := l.TargetPrefix
	if l.KeyFormat == trustgate.PartitionedPrefix {
		key += fmt.Sprintf("%s/%s/%s/%s/", source.Account, source.Region, source.Name, now.Format("2006/01/02"))
		if l.PartitionDateSource != "DeliveryTime" {
			stamp = now.Format("2006-01-02") + "-00-00-00" // now is the records' day
		}
	}
	return key + stamp + "-" + strings.ToUpper(hex.EncodeToString(unique))
}
