package s3api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Server access logs (note 79): a record of each request on a bucket
// with logging, kept until a delivery writes the records of each bucket
// as a log object into its target bucket.

// accessLogs are the records not yet delivered, by source bucket.
type accessLogs struct {
	mu      sync.Mutex
	records map[string][]string
}

// Served is what the server knows of a request once S3 has answered it,
// for its access log.
type Served struct {
	Status   int
	Bytes    int64
	Started  time.Time
	Answered time.Duration // from the request's start to its last byte
	ErrCode  string
}

// Logged tells whether the call was on a bucket with logging, whose
// access log RecordAccess keeps.
func (c *Call) Logged() bool { return c.logged != nil && c.logged.Logging != nil }

// RecordAccess keeps the access log record of a call on a bucket with
// logging.
func (s *Service) RecordAccess(c *Call, served Served) {
	b := c.logged
	if !c.Logged() {
		return
	}
	line := accessRecord(c, b, served)
	s.logs.mu.Lock()
	if s.logs.records == nil {
		s.logs.records = map[string][]string{}
	}
	s.logs.records[b.Name] = append(s.logs.records[b.Name], line)
	s.logs.mu.Unlock()
}

// accessRecord is a call's record in S3's server access log format: its
// fields apart by spaces, "-" for each that does not apply.
func accessRecord(c *Call, b *trustgate.Bucket, served Served) string {
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
	return strings.Join([]string{
		policy.CanonicalUserID(b.Account),
		b.Name,
		"[" + served.Started.UTC().Format("02/Jan/2006:15:04:05 -0700") + "]",
		field(host),
		requester,
		c.RequestID,
		operationName(c),
		field(c.key),
		strconv.Quote(r.Method + " " + r.URL.RequestURI() + " " + r.Proto),
		strconv.Itoa(served.Status),
		field(served.ErrCode),
		number(served.Bytes),
		"-", // the object's size
		strconv.FormatInt(served.Answered.Milliseconds(), 10),
		"-", // the turn-around time
		strconv.Quote(field(r.Referer())),
		strconv.Quote(field(r.UserAgent())),
		field(c.query.Get("versionId")),
		hostID(c.RequestID),
		signature,
		"-", // the cipher suite
		auth,
		field(r.Host),
		tlsVersion,
		"-", // the access point
		"-", // no ACL decides a request here
	}, " ")
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
	has := func(sub string) bool { _, ok := c.query[sub]; return ok }
	if c.key != "" {
		switch {
		case has("uploadId") && method == http.MethodPut && namesCopySource(r):
			return "REST.COPY.PART"
		case has("uploadId") && method == http.MethodPut:
			return "REST.PUT.PART"
		case has("uploadId"):
			return "REST." + method + ".UPLOAD"
		case has("uploads"):
			return "REST." + method + ".UPLOADS"
		case has("tagging"):
			return "REST." + method + ".OBJECT_TAGGING"
		case has("acl"):
			return "REST." + method + ".ACL"
		case has("attributes"):
			return "REST." + method + ".OBJECT_ATTRIBUTES"
		case has("retention"):
			return "REST." + method + ".RETENTION"
		case has("legal-hold"):
			return "REST." + method + ".LEGAL_HOLD"
		case method == http.MethodPut && namesCopySource(r):
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

// bucketOperations name the operations on a bucket's subresources, in
// the order a request naming two is named by.
var bucketOperations = []struct{ subresource, name string }{
	{"delete", "MULTI_OBJECT_DELETE"}, {"versions", "BUCKETVERSIONS"}, {"policyStatus", "POLICY_STATUS"}, {"policy", "BUCKETPOLICY"},
	{"logging", "LOGGING_STATUS"}, {"publicAccessBlock", "PUBLIC_ACCESS_BLOCK"}, {"ownershipControls", "OWNERSHIP_CONTROLS"},
	{"object-lock", "OBJECT_LOCK_CONFIGURATION"}, {"uploads", "UPLOADS"}, {"location", "LOCATION"}, {"versioning", "VERSIONING"},
	{"lifecycle", "LIFECYCLE"}, {"cors", "CORS"}, {"encryption", "ENCRYPTION"}, {"tagging", "TAGGING"}, {"website", "WEBSITE"},
	{"acl", "ACL"}, {"replication", "REPLICATION"}, {"notification", "NOTIFICATION"}, {"accelerate", "ACCELERATE"},
	{"requestPayment", "REQUEST_PAYMENT"}, {"intelligent-tiering", "INTELLIGENT_TIERING"}, {"analytics", "ANALYTICS"},
	{"metrics", "METRICS"}, {"inventory", "INVENTORY"},
}

// DeliverAccessLogs writes the records kept so far, each source bucket's
// into one log object in the target its logging names now, named as its
// key format says for the moment now. A bucket whose logging is gone,
// or whose target is, loses its records, as S3's delivery does. It
// returns how many log objects it wrote.
func (s *Service) DeliverAccessLogs(ctx context.Context, now time.Time) (int, error) {
	s.logs.mu.Lock()
	records := s.logs.records
	s.logs.records = nil
	s.logs.mu.Unlock()
	written := 0
	for name, lines := range records {
		source, err := s.store.Bucket(ctx, name)
		if err != nil || source.Logging == nil {
			continue
		}
		target, err := s.store.Bucket(ctx, source.Logging.TargetBucket)
		if err != nil || target.Account != source.Account {
			continue
		}
		body := []byte(strings.Join(lines, "\n") + "\n")
		blob, err := s.blobs.PutSmall(bytes.NewReader(body), MaxInlineBody, int64(len(body)))
		if err != nil {
			return written, err
		}
		o := &trustgate.Object{Bucket: target.Name, Key: logObjectKey(source, now), Size: blob.Size, ETag: `"` + hex.EncodeToString(blob.MD5) + `"`,
			ContentType: "text/plain", Blob: blob.ID, Inline: blob.Inline, LastModified: now, VersionID: versionFor(target),
			Metadata: map[string]string{}, Headers: map[string]string{sseHeader: "AES256"}}
		lockAsked{}.apply(o, target, now)
		replaced, err := s.store.PutObject(ctx, o, trustgate.WriteCondition{IfNoneMatch: true})
		if err != nil {
			s.blobs.Remove(blob.ID)
			continue // the target went, or the key was taken
		}
		if replaced != nil {
			s.blobs.Remove(replaced.Blob)
		}
		written++
	}
	return written, nil
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
			stamp = now.Format("2006-01-02") + "-00-00-00" // the records' day
		}
	}
	return key + stamp + "-" + strings.ToUpper(hex.EncodeToString(unique))
}
