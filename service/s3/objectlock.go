package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// Object Lock (note 77): a bucket's configuration, the retention and
// legal hold of each version, and the deletions they refuse.

// The headers of Object Lock on writes and answers.
const (
	lockModeHeader      = "X-Amz-Object-Lock-Mode"
	lockUntilHeader     = "X-Amz-Object-Lock-Retain-Until-Date"
	legalHoldHeader     = "X-Amz-Object-Lock-Legal-Hold"
	bypassHeader        = "X-Amz-Bypass-Governance-Retention"
	bucketLockHeader    = "X-Amz-Bucket-Object-Lock-Enabled"
	bypassAction        = "s3:BypassGovernanceRetention"
	maxRetentionDays    = 36500
	maxRetentionYears   = 100
	lockedVersionDetail = "Access Denied because object protected by object lock."
)

// objectLockHeaders set an object's Object Lock on a write.
var objectLockHeaders = []string{lockModeHeader, lockUntilHeader, legalHoldHeader}

// objectLockConfiguration is the document of PutObjectLockConfiguration
// and GetObjectLockConfiguration.
type objectLockConfiguration struct {
	XMLName           xml.Name `xml:"ObjectLockConfiguration"`
	Xmlns             string   `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string   `xml:",omitempty"`
	Rule              *objectLockRule
}

// objectLockRule is a configuration's default retention: a mode, and
// Days or Years.
type objectLockRule struct {
	DefaultRetention *defaultRetention
}

type defaultRetention struct {
	Mode  string `xml:",omitempty"`
	Days  *int   `xml:",omitempty"`
	Years *int   `xml:",omitempty"`
}

// noObjectLock refuses a retention or legal hold call on a bucket
// without Object Lock; noObjectLockForWrite, an object write that asks
// for a lock there, which S3 words otherwise.
func noObjectLock() *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
}

func noObjectLockForWrite() *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "Bucket is missing ObjectLockConfiguration")
}

// lockedVersion refuses the deletion or overwrite of a version its
// Object Lock protects.
func lockedVersion() *Error {
	return errorf(http.StatusForbidden, "AccessDenied", "%s", lockedVersionDetail)
}

func (s *Service) putObjectLockConfiguration(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketObjectLockConfiguration")
	if err != nil {
		return err
	}
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	var conf objectLockConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	// The bucket's state is refused before the document's rules are.
	unversioned := errorf(http.StatusConflict, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
	if b.Versioning != trustgate.VersioningEnabled {
		return unversioned
	}
	lock, err := conf.lock()
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if cur.Versioning != trustgate.VersioningEnabled {
			return unversioned
		}
		cur.ObjectLock = lock
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// lock is the configuration a document sets, refused as S3 refuses it.
func (conf *objectLockConfiguration) lock() (trustgate.BucketObjectLock, *Error) {
	if conf.ObjectLockEnabled != "Enabled" {
		return trustgate.BucketObjectLock{}, malformedXML()
	}
	lock := trustgate.BucketObjectLock{Enabled: true}
	if conf.Rule == nil {
		return lock, nil
	}
	d := conf.Rule.DefaultRetention
	if d == nil {
		return lock, malformedXML()
	}
	mode, ok := retentionMode(d.Mode)
	if !ok {
		return lock, malformedXML()
	}
	if (d.Days == nil) == (d.Years == nil) {
		return lock, malformedXML()
	}
	period, unit, most := d.Days, "Days", maxRetentionDays
	if d.Years != nil {
		period, unit, most = d.Years, "Years", maxRetentionYears
	}
	switch {
	case *period <= 0:
		return lock, errorf(http.StatusBadRequest, "InvalidArgument", "Default retention period must be a positive integer value.").
			with("ArgumentName", unit).with("ArgumentValue", strconv.Itoa(*period))
	case *period > most:
		return lock, errorf(http.StatusBadRequest, "InvalidArgument", "Default retention period too large.").
			with("ArgumentName", unit).with("ArgumentValue", strconv.Itoa(*period))
	}
	lock.DefaultMode = mode
	if d.Days != nil {
		lock.DefaultDays = *d.Days
	} else {
		lock.DefaultYears = *d.Years
	}
	return lock, nil
}

// retentionMode reads a retention's mode, as S3 spells it.
func retentionMode(v string) (trustgate.RetentionMode, bool) {
	switch m := trustgate.RetentionMode(v); m {
	case trustgate.Governance, trustgate.Compliance:
		return m, true
	}
	return "", false
}

func (s *Service) getObjectLockConfiguration(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketObjectLockConfiguration")
	if err != nil {
		return err
	}
	lock := b.ObjectLock
	if !lock.Enabled {
		return errorf(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket").with("BucketName", b.Name)
	}
	conf := objectLockConfiguration{Xmlns: Namespace, ObjectLockEnabled: "Enabled"}
	if lock.DefaultMode != "" {
		d := &defaultRetention{Mode: string(lock.DefaultMode)}
		if lock.DefaultYears > 0 {
			d.Years = &lock.DefaultYears
		} else {
			d.Days = &lock.DefaultDays
		}
		conf.Rule = &objectLockRule{DefaultRetention: d}
	}
	return writeXML(w, c, http.StatusOK, conf)
}

// lockAsked is the Object Lock a write's headers ask for the version it
// makes.
type lockAsked struct {
	retention trustgate.Retention
	legalHold string
}

// writeLock reads the Object Lock headers of a write to b (PutObject,
// CopyObject, CreateMultipartUpload), refused as S3 refuses them, and
// sets their condition keys in keys.
func writeLock(h http.Header, b *trustgate.Bucket, now time.Time, keys *policy.Context) (lockAsked, *Error) {
	var ask lockAsked
	if !namesAny(h, objectLockHeaders) {
		return ask, nil
	}
	if !b.ObjectLock.Enabled {
		return ask, noObjectLockForWrite()
	}
	mode, until := h.Get(lockModeHeader), h.Get(lockUntilHeader)
	if (mode == "") != (until == "") {
		missing := "x-amz-object-lock-mode"
		if until == "" {
			missing = "x-amz-object-lock-retain-until-date"
		}
		return ask, errorf(http.StatusBadRequest, "InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied").
			with("ArgumentName", missing)
	}
	if mode != "" {
		m, ok := retentionMode(mode)
		if !ok {
			return ask, errorf(http.StatusBadRequest, "InvalidArgument", "Unknown wormMode directive.").
				with("ArgumentName", "x-amz-object-lock-mode").with("ArgumentValue", mode)
		}
		t, err := retainUntil(until, now, "x-amz-object-lock-retain-until-date")
		if err != nil {
			return ask, err
		}
		ask.retention = trustgate.Retention{Mode: m, Until: t}
		setRetentionKeys(keys, ask.retention, until, now)
	}
	if hold := h.Get(legalHoldHeader); hold != "" {
		if hold != trustgate.LegalHoldOn && hold != trustgate.LegalHoldOff {
			return ask, errorf(http.StatusBadRequest, "InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'").
				with("ArgumentName", "x-amz-object-lock-legal-hold").with("ArgumentValue", hold)
		}
		ask.legalHold = hold
		keys.Set("s3:object-lock-legal-hold", hold)
	}
	return ask, nil
}

// retainUntil reads a retain-until date, which must be in the future.
func retainUntil(v string, now time.Time, argument string) (time.Time, *Error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, errorf(http.StatusBadRequest, "InvalidArgument", "The retain until date must be provided in ISO 8601 format").
			with("ArgumentName", argument).with("ArgumentValue", v)
	}
	if !t.After(now) {
		return t, errorf(http.StatusBadRequest, "InvalidArgument", "The retain until date must be in the future!").
			with("ArgumentName", argument).with("ArgumentValue", v)
	}
	return t.UTC().Truncate(time.Millisecond), nil // as S3 keeps and shows it
}

// setRetentionKeys sets the condition keys of a retention asked for:
// its mode, its date as written, and the days left until it.
func setRetentionKeys(keys *policy.Context, r trustgate.Retention, written string, now time.Time) {
	keys.Set("s3:object-lock-mode", string(r.Mode))
	keys.Set("s3:object-lock-retain-until-date", written)
	days := math.Max(0, math.Ceil(r.Until.Sub(now).Hours()/24)) // none left, not -0, for one run out
	keys.Set("s3:object-lock-remaining-retention-days", strconv.FormatFloat(days, 'f', 0, 64))
}

// apply gives o, written at created, the Object Lock asked for: the
// bucket's default retention when the write asked for none, to the
// millisecond, as S3 keeps dates.
func (a lockAsked) apply(o *trustgate.Object, b *trustgate.Bucket, created time.Time) {
	o.Retention = a.retention
	if o.Retention.Mode == "" && b.ObjectLock.Enabled {
		o.Retention = b.ObjectLock.DefaultRetention(created)
	}
	o.Retention.Until = o.Retention.Until.Truncate(time.Millisecond)
	o.LegalHold = a.legalHold
}

// keep writes the lock asked for into an upload's kept headers, for its
// completion to take back (takeLock).
func (a lockAsked) keep(headers map[string]string) {
	if a.retention.Mode != "" {
		headers[lockModeHeader] = string(a.retention.Mode)
		headers[lockUntilHeader] = a.retention.Until.Format(time.RFC3339Nano)
	}
	if a.legalHold != "" {
		headers[legalHoldHeader] = a.legalHold
	}
}

// takeLock takes the lock an upload asked for out of its headers.
func takeLock(headers map[string]string) lockAsked {
	var a lockAsked
	if until, err := time.Parse(time.RFC3339Nano, headers[lockUntilHeader]); err == nil {
		a.retention = trustgate.Retention{Mode: trustgate.RetentionMode(headers[lockModeHeader]), Until: until}
	}
	a.legalHold = headers[legalHoldHeader]
	for _, name := range objectLockHeaders {
		delete(headers, name)
	}
	return a
}

// setObjectLock names a version's Object Lock on a GetObject or
// HeadObject answer, each part only to a caller who may read it.
func (s *Service) setObjectLock(ctx context.Context, h http.Header, c *Call, b *trustgate.Bucket, o *trustgate.Object) *Error {
	if o.Retention.Mode == "" && o.LegalHold == "" {
		return nil
	}
	resource := o.ARN()
	if o.Retention.Mode != "" {
		switch err := s.authorize(ctx, c, "s3:GetObjectRetention", resource, b, nil); {
		case err == nil:
			h[lockModeHeader] = []string{string(o.Retention.Mode)}
			h[lockUntilHeader] = []string{isoTime(o.Retention.Until)}
		case err.Code != "AccessDenied":
			return err
		}
	}
	if o.LegalHold != "" {
		switch err := s.authorize(ctx, c, "s3:GetObjectLegalHold", resource, b, nil); {
		case err == nil:
			h[legalHoldHeader] = []string{o.LegalHold}
		case err.Code != "AccessDenied":
			return err
		}
	}
	return nil
}

// checkBypassHeader refuses x-amz-bypass-governance-retention, whatever
// its value, on a bucket without Object Lock.
func checkBypassHeader(c *Call, b *trustgate.Bucket) *Error {
	if _, ok := c.Request.Header[bypassHeader]; ok && !b.ObjectLock.Enabled {
		return errorf(http.StatusBadRequest, "InvalidArgument", "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.").
			with("ArgumentName", "x-amz-bypass-governance-retention")
	}
	return nil
}

// bypassesGovernance tells whether a deletion or retention change asks
// to bypass governance-mode retention (x-amz-bypass-governance-retention)
// and the caller may (s3:BypassGovernanceRetention on the object, decided
// with the change's condition keys).
func (s *Service) bypassesGovernance(ctx context.Context, c *Call, b *trustgate.Bucket, key string, keys *policy.Context) (bool, *Error) {
	if !b.ObjectLock.Enabled || !strings.EqualFold(c.Request.Header.Get(bypassHeader), "true") {
		return false, nil
	}
	switch err := s.authorize(ctx, c, bypassAction, b.ARN()+"/"+key, b, keys); {
	case err == nil:
		return true, nil
	case err.Code == "AccessDenied":
		return false, nil
	default:
		return false, err
	}
}

// bypassesGovernanceOf is bypassesGovernance for the deletion of a
// version, decided with the version's own Object Lock as condition keys
// (s3:object-lock-mode, s3:object-lock-retain-until-date,
// s3:object-lock-remaining-retention-days, s3:object-lock-legal-hold),
// read only when the deletion asks to bypass.
func (s *Service) bypassesGovernanceOf(ctx context.Context, c *Call, b *trustgate.Bucket, key, version string) (bool, *Error) {
	if !b.ObjectLock.Enabled || !strings.EqualFold(c.Request.Header.Get(bypassHeader), "true") {
		return false, nil
	}
	keys := policy.NewContext()
	o, err := s.store.ObjectVersion(ctx, b.Name, key, version)
	switch {
	case err == nil && !o.DeleteMarker:
		if o.Retention.Mode != "" {
			setRetentionKeys(keys, o.Retention, o.Retention.Until.UTC().Format(time.RFC3339Nano), s.now())
		}
		if o.LegalHold != "" {
			keys.Set("s3:object-lock-legal-hold", o.LegalHold)
		}
	case err != nil && !errors.Is(err, trustgate.ErrNotFound):
		return false, internal(err)
	}
	return s.bypassesGovernance(ctx, c, b, key, keys)
}

// objectLockHandler routes a read or write of an object's retention or
// legal hold.
func (s *Service) objectLockHandler(q map[string][]string, method string) (handler, bool) {
	_, retention := q["retention"]
	switch {
	case retention && method == http.MethodGet:
		return s.getObjectRetention, true
	case retention && method == http.MethodPut:
		return s.putObjectRetention, true
	case method == http.MethodGet:
		return s.getObjectLegalHold, true
	case method == http.MethodPut:
		return s.putObjectLegalHold, true
	}
	return nil, false
}

// lockedObject authorizes action on the call's object version and returns
// it, refusing a bucket without Object Lock.
func (s *Service) lockedObject(ctx context.Context, c *Call, action string, keys *policy.Context) (*trustgate.Bucket, *trustgate.Object, *Error) {
	b, o, err := s.objectWith(ctx, c, action, func(o *trustgate.Object) *policy.Context {
		k := objectKeys(o)
		if k == nil {
			k = policy.NewContext()
		}
		for _, name := range keys.Keys() {
			v, _ := keys.Get(name)
			k.Set(name, v...)
		}
		return k
	})
	if err != nil {
		return nil, nil, err
	}
	if !b.ObjectLock.Enabled {
		return nil, nil, noObjectLock()
	}
	return b, o, nil
}

// objectLockMissing refuses the read of a retention or legal hold the
// version never had.
func objectLockMissing() *Error {
	return errorf(http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
}

// retentionDocument is the document of PutObjectRetention and
// GetObjectRetention.
type retentionDocument struct {
	XMLName         xml.Name `xml:"Retention"`
	Xmlns           string   `xml:"xmlns,attr,omitempty"`
	Mode            string   `xml:",omitempty"`
	RetainUntilDate string   `xml:",omitempty"`
}

// legalHoldDocument is the document of PutObjectLegalHold and
// GetObjectLegalHold.
type legalHoldDocument struct {
	XMLName xml.Name `xml:"LegalHold"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:",omitempty"`
}

func (s *Service) getObjectRetention(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	_, o, err := s.lockedObject(ctx, c, "s3:GetObjectRetention", policy.NewContext())
	if err != nil {
		return err
	}
	if o.Retention.Mode == "" {
		return objectLockMissing()
	}
	return writeXML(w, c, http.StatusOK, retentionDocument{Xmlns: Namespace, Mode: string(o.Retention.Mode), RetainUntilDate: isoTime(o.Retention.Until)})
}

func (s *Service) getObjectLegalHold(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	_, o, err := s.lockedObject(ctx, c, "s3:GetObjectLegalHold", policy.NewContext())
	if err != nil {
		return err
	}
	if o.LegalHold == "" {
		return objectLockMissing()
	}
	return writeXML(w, c, http.StatusOK, legalHoldDocument{Xmlns: Namespace, Status: o.LegalHold})
}

// requireBodyDigest refuses a call without the digest of its body that
// S3 requires of it: a multi-object delete, and the Object Lock calls.
func requireBodyDigest(h http.Header) *Error {
	if h.Get("Content-MD5") == "" && !hasChecksumHeader(h) {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
	}
	return nil
}

func (s *Service) putObjectRetention(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	var doc retentionDocument
	if err := readDocument(c, &doc); err != nil {
		return err
	}
	now := s.now()
	var asked trustgate.Retention
	keys := policy.NewContext()
	switch {
	case doc.Mode == "" && doc.RetainUntilDate == "":
		// No retention: the version's is removed.
	case doc.Mode == "" || doc.RetainUntilDate == "":
		return malformedXML()
	default:
		m, ok := retentionMode(doc.Mode)
		if !ok {
			return malformedXML()
		}
		t, err := retainUntil(doc.RetainUntilDate, now, "RetainUntilDate")
		if err != nil {
			return err
		}
		asked = trustgate.Retention{Mode: m, Until: t}
		setRetentionKeys(keys, asked, doc.RetainUntilDate, now)
	}
	b, o, err := s.lockedObject(ctx, c, "s3:PutObjectRetention", keys)
	if err != nil {
		return err
	}
	bypass, err := s.bypassesGovernance(ctx, c, b, o.Key, keys)
	if err != nil {
		return err
	}
	return s.changeObjectLock(ctx, w, c, b, o, func(cur *trustgate.Object) error {
		if !retentionMayBecome(cur.Retention, asked, now, bypass) {
			return lockedVersion()
		}
		cur.Retention = asked
		return nil
	})
}

// retentionMayBecome tells whether a version's retention may be replaced
// by asked at now: always once it has run out; while it holds, by one of
// the same mode that lasts as long or longer, and by any other only when
// it is a governance one the caller bypasses (note 77).
func retentionMayBecome(cur, asked trustgate.Retention, now time.Time, bypass bool) bool {
	if cur.Mode == "" || !now.Before(cur.Until) {
		return true
	}
	if asked.Mode == cur.Mode && !asked.Until.Before(cur.Until) {
		return true
	}
	return cur.Mode == trustgate.Governance && bypass
}

func (s *Service) putObjectLegalHold(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if err := requireBodyDigest(c.Request.Header); err != nil {
		return err
	}
	var doc legalHoldDocument
	if err := readDocument(c, &doc); err != nil {
		return err
	}
	if doc.Status != trustgate.LegalHoldOn && doc.Status != trustgate.LegalHoldOff {
		return malformedXML()
	}
	keys := policy.NewContext()
	keys.Set("s3:object-lock-legal-hold", doc.Status)
	b, o, err := s.lockedObject(ctx, c, "s3:PutObjectLegalHold", keys)
	if err != nil {
		return err
	}
	return s.changeObjectLock(ctx, w, c, b, o, func(cur *trustgate.Object) error {
		cur.LegalHold = doc.Status
		return nil
	})
}

// changeObjectLock changes the Object Lock of the version of b that o
// read as, has its replicas changed too, and answers.
func (s *Service) changeObjectLock(ctx context.Context, w http.ResponseWriter, c *Call, b *trustgate.Bucket, o *trustgate.Object, change func(*trustgate.Object) error) *Error {
	err := s.store.ChangeObjectLock(ctx, o.Bucket, o.Key, o.VersionID, change)
	var refused *Error
	switch {
	case errors.As(err, &refused):
		return refused
	case errors.Is(err, trustgate.ErrNotFound):
		if _, named := c.query["versionId"]; named {
			return noSuchVersion(o.Key, o.VersionID)
		}
		return noSuchKey(o.Key)
	case err != nil:
		return internal(err)
	}
	if err := s.replicateChange(ctx, b, o); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// authorizeLock authorizes the Object Lock a write asks for, beside its
// s3:PutObject: a retention needs s3:PutObjectRetention, a legal hold
// s3:PutObjectLegalHold. A bucket's default retention needs neither.
func (s *Service) authorizeLock(ctx context.Context, c *Call, b *trustgate.Bucket, key string, ask lockAsked, keys *policy.Context) *Error {
	if ask.retention.Mode != "" {
		if err := s.authorize(ctx, c, "s3:PutObjectRetention", b.ARN()+"/"+key, b, keys.Clone()); err != nil {
			return err
		}
	}
	if ask.legalHold != "" {
		return s.authorize(ctx, c, "s3:PutObjectLegalHold", b.ARN()+"/"+key, b, keys.Clone())
	}
	return nil
}

// requireLockDigest refuses the body of a PutObject ("Put Object") or an
// UploadPart ("Put Part") that locks its version, by its headers, its
// upload's or the bucket's default retention, without a digest: S3 takes
// a locked body only with one it can check.
func requireLockDigest(h http.Header, locks bool, request string) *Error {
	if !locks || h.Get("Content-MD5") != "" || hasChecksumHeader(h) || h.Get("X-Amz-Sdk-Checksum-Algorithm") != "" ||
		strings.Contains(strings.ToLower(h.Get("X-Amz-Trailer")), "x-amz-checksum-") {
		return nil
	}
	return errorf(http.StatusBadRequest, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for %s requests with Object Lock parameters", request)
}

// locks tells whether a write asking for ask locks its version in b.
func (ask lockAsked) locks(b *trustgate.Bucket) bool {
	return ask.retention.Mode != "" || ask.legalHold != "" || b.ObjectLock.DefaultMode != ""
}
