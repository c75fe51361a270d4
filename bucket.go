package trustgate

import (
	"slices"
	"strings"
	"time"
)

// Bucket is an S3 bucket. Its name is unique across every account of the
// installation, as S3 bucket names are global.
type Bucket struct {
	Name    string
	Account string // the owner: the resource account of every request on it
	Region  string // its LocationConstraint; us-east-1 when none was given
	// LocationConstraint is the constraint CreateBucket named when it is
	// an old name of Region ("EU" for eu-west-1), which GetBucketLocation
	// answers with; empty otherwise.
	LocationConstraint string
	CreatedAt          time.Time
	// Policy is the bucket policy document; empty when it has none.
	Policy string
	// PublicAccessBlock is the bucket's Block Public Access configuration:
	// all four settings on for a new bucket, as S3 creates them since 2023.
	PublicAccessBlock PublicAccessBlock
	Tags              []Tag
	// Encryption is the bucket's default encryption.
	Encryption BucketEncryption
	// CORS are the rules of the bucket's CORS configuration, in order;
	// nil when it has none.
	CORS []CORSRule
	// Versioning is the bucket's versioning state; MFADelete is "Enabled"
	// or "Disabled" once a configuration has named it, empty before.
	Versioning Versioning
	MFADelete  string
	// Lifecycle are the rules of the bucket's lifecycle configuration, in
	// order; nil when it has none. LifecycleMinimumSize is the smallest
	// object its transitions move, as the configuration named it (empty
	// for S3's default).
	Lifecycle            []LifecycleRule
	LifecycleMinimumSize string
	// ObjectLock is the bucket's Object Lock configuration.
	ObjectLock BucketObjectLock
	// Website is the bucket's website configuration; nil when it has
	// none.
	Website *BucketWebsite
	// Logging is where the bucket's server access logs go; nil when it
	// has none.
	Logging *BucketLogging
	// Replication is the bucket's replication configuration; nil when it
	// has none.
	Replication *BucketReplication
	// RequesterPays tells that requesters of other accounts, not the
	// owner, pay for their requests: they must say they agree to.
	RequesterPays bool
	// Accelerate is the bucket's Transfer Acceleration state: "Enabled"
	// or "Suspended" once set, empty before.
	Accelerate string
	// Notification is the bucket's event notification configuration;
	// nil when it has none.
	Notification *BucketNotification
	// ABAC tells that the bucket's tags take part in decisions on it and
	// its objects, as aws:ResourceTag/KEY and s3:BucketTag/KEY: its
	// attribute-based access control, off until the owner turns it on.
	ABAC bool
}

// BucketConfiguration is one of the configurations a bucket keeps by
// ID, beside its settings: an analytics, inventory, metrics or
// Intelligent-Tiering configuration. trustgate keeps them as they are
// read back, and acts on none.
type BucketConfiguration struct {
	// Kind is the subresource that names the configuration's kind:
	// "analytics", "inventory", "metrics" or "intelligent-tiering".
	Kind string
	ID   string
	// Document is the configuration as S3 reads it back, in XML.
	Document string
}

// BucketNotification is a bucket's event notification configuration:
// which events go to which SNS topic, SQS queue or Lambda function, and
// whether all go to EventBridge.
type BucketNotification struct {
	Destinations []NotificationDestination
	EventBridge  bool `json:",omitempty"`
}

// NotificationDestination is one destination of a bucket's events, and
// which of its objects' events go there.
type NotificationDestination struct {
	// Kind is Topic, Queue or CloudFunction, as S3's XML names them.
	Kind   string
	ID     string
	ARN    string
	Events []string
	// Prefix and Suffix filter the events by their object's key.
	Prefix string `json:",omitempty"`
	Suffix string `json:",omitempty"`
	// HasPrefix and HasSuffix tell an empty rule from none.
	HasPrefix bool `json:",omitempty"`
	HasSuffix bool `json:",omitempty"`
}

// BucketReplication is a bucket's replication configuration: the role
// S3 assumes to copy its new objects, and the rules saying which go to
// which bucket.
type BucketReplication struct {
	Role  string
	Rules []ReplicationRule
}

// ReplicationRule is one rule of a replication configuration. A rule
// of the first schema (LegacyPrefix) names at most a Prefix; one of the
// current schema a Filter, a Priority and whether delete markers are
// replicated.
type ReplicationRule struct {
	ID           string
	Enabled      bool
	Filter       ObjectFilter
	LegacyPrefix bool `json:",omitempty"`
	// Priority decides between rules that take in one object for one
	// destination: the highest wins. Nil for a legacy rule.
	Priority *int `json:",omitempty"`
	// DeleteMarkers is the rule's DeleteMarkerReplication status:
	// "Enabled", "Disabled", or empty for a legacy rule.
	DeleteMarkers string `json:",omitempty"`
	Destination   ReplicationDestination
	// The statuses of SourceSelectionCriteria's SseKmsEncryptedObjects
	// and ReplicaModifications, kept as given (empty when not named).
	SSEKMSEncryptedObjects string `json:",omitempty"`
	ReplicaModifications   string `json:",omitempty"`
	// SourceSelection tells that the rule named SourceSelectionCriteria.
	SourceSelection bool `json:",omitempty"`
}

// ReplicatesDeleteMarkers tells whether the rule copies a delete marker
// made in its source to its destination.
func (r *ReplicationRule) ReplicatesDeleteMarkers() bool {
	return r.DeleteMarkers == "Enabled"
}

// ReplicationDestination is where a replication rule copies objects to.
type ReplicationDestination struct {
	Bucket string // by name; the configuration names it by ARN
	// Account is the destination bucket's owner, named when the replica
	// is to be owned by it (OwnerOverride, AccessControlTranslation's
	// Destination).
	Account       string `json:",omitempty"`
	OwnerOverride bool   `json:",omitempty"`
	// StorageClass is the replicas' storage class; empty to keep the
	// source's.
	StorageClass    string `json:",omitempty"`
	ReplicaKMSKeyID string `json:",omitempty"`
	// ReplicationTime (S3 RTC) and Metrics, kept as given: their statuses,
	// empty when not named, and their minutes.
	ReplicationTime        string `json:",omitempty"`
	ReplicationTimeMinutes int    `json:",omitempty"`
	Metrics                string `json:",omitempty"`
	MetricsMinutes         int    `json:",omitempty"`
}

// BucketLogging is a bucket's server access logging: the bucket of the
// same account and region its logs are written to, under a prefix.
type BucketLogging struct {
	TargetBucket string
	TargetPrefix string `json:",omitempty"`
	// KeyFormat is how log objects are named: "" when the configuration
	// named none, SimplePrefix, or PartitionedPrefix by PartitionDateSource
	// (EventTime or DeliveryTime; "" when it named none, EventTime).
	KeyFormat           string `json:",omitempty"`
	PartitionDateSource string `json:",omitempty"`
}

// Log object key formats.
const (
	SimplePrefix      = "SimplePrefix"
	PartitionedPrefix = "PartitionedPrefix"
)

// BucketWebsite is a bucket's website configuration: the documents its
// website serves, or the host every request is redirected to.
type BucketWebsite struct {
	// IndexSuffix is the document a request for a folder (a key ending
	// in /, or none) is answered with; ErrorKey, the object an error is
	// answered with.
	IndexSuffix string `json:",omitempty"`
	ErrorKey    string `json:",omitempty"`
	// RedirectAll, when set, sends every request elsewhere, in place of
	// the documents and rules.
	RedirectAll *WebsiteRedirect `json:",omitempty"`
	// RoutingRules redirect the requests their conditions take in, the
	// first that does.
	RoutingRules []WebsiteRoutingRule `json:",omitempty"`
}

// WebsiteRedirect is where a website sends a request: another host and
// protocol, and for a routing rule, another key and status.
type WebsiteRedirect struct {
	HostName string `json:",omitempty"`
	Protocol string `json:",omitempty"`
	// HTTPRedirectCode is a 3xx status (301 when empty); the key is
	// ReplaceKeyWith, or the request's with its prefix replaced by
	// ReplaceKeyPrefixWith (nil when the redirect names neither).
	HTTPRedirectCode     string  `json:",omitempty"`
	ReplaceKeyPrefixWith *string `json:",omitempty"`
	ReplaceKeyWith       *string `json:",omitempty"`
}

// WebsiteRoutingRule redirects the requests whose key starts with
// KeyPrefixEquals, or whose error is HTTPErrorCodeReturnedEquals, as a
// rule's condition names them (nil when it has no condition).
type WebsiteRoutingRule struct {
	Condition *WebsiteCondition `json:",omitempty"`
	Redirect  WebsiteRedirect
}

// WebsiteCondition is what a routing rule applies to.
type WebsiteCondition struct {
	KeyPrefixEquals             *string `json:",omitempty"`
	HTTPErrorCodeReturnedEquals string  `json:",omitempty"`
}

// BucketObjectLock is a bucket's Object Lock configuration: whether its
// objects' versions can be locked, and the retention a new version gets
// when its write asks for none. Once enabled, Object Lock stays enabled
// and the bucket's versioning cannot be suspended.
type BucketObjectLock struct {
	Enabled bool `json:",omitempty"`
	// DefaultMode is the mode of the default retention, empty for none;
	// it lasts DefaultDays or DefaultYears, as the rule named one of them.
	DefaultMode  RetentionMode `json:",omitempty"`
	DefaultDays  int           `json:",omitempty"`
	DefaultYears int           `json:",omitempty"`
}

// DefaultRetention is the retention a version written at now gets from
// the bucket's rule; the zero Retention when the rule names none. A year
// is a calendar year, a day 24 hours.
func (l BucketObjectLock) DefaultRetention(now time.Time) Retention {
	switch {
	case l.DefaultMode == "":
		return Retention{}
	case l.DefaultYears > 0:
		return Retention{Mode: l.DefaultMode, Until: now.AddDate(l.DefaultYears, 0, 0)}
	}
	return Retention{Mode: l.DefaultMode, Until: now.Add(time.Duration(l.DefaultDays) * 24 * time.Hour)}
}

// RetentionMode is how strictly a retention protects an object's version.
type RetentionMode string

const (
	// Governance protects a version from callers without the permission
	// to bypass it (s3:BypassGovernanceRetention) who do not ask to.
	Governance RetentionMode = "GOVERNANCE"
	// Compliance protects a version from everyone, the account's root
	// user included, and cannot be shortened.
	Compliance RetentionMode = "COMPLIANCE"
)

// Retention keeps an object's version from being deleted or overwritten
// until a date.
type Retention struct {
	Mode  RetentionMode `json:",omitempty"`
	Until time.Time     `json:",omitzero"`
}

// Legal hold statuses: a version's legal hold keeps it until lifted,
// whatever its retention.
const (
	LegalHoldOn  = "ON"
	LegalHoldOff = "OFF"
)

// LifecycleRule is one rule of a bucket's lifecycle configuration: the
// objects it applies to and what becomes of them, days after they were
// written, became noncurrent or, for uploads, were started.
type LifecycleRule struct {
	ID      string
	Enabled bool
	// Filter is the objects the rule applies to; LegacyPrefix tells that
	// the rule named its prefix outside a Filter, as the first rules did.
	Filter       ObjectFilter
	LegacyPrefix bool `json:",omitempty"`
	// Expiration of current versions: after ExpirationDays, or on
	// ExpirationDate (midnight UTC); ExpiredObjectDeleteMarker, when true,
	// removes a delete marker that is all that is left of its key (nil
	// when the rule does not name it).
	ExpirationDays            int       `json:",omitempty"`
	ExpirationDate            time.Time `json:",omitzero"`
	ExpiredObjectDeleteMarker *bool     `json:",omitempty"`
	// NoncurrentDays expires noncurrent versions that many days after
	// they became noncurrent, keeping the NewerNoncurrentVersions newest.
	NoncurrentDays          int `json:",omitempty"`
	NewerNoncurrentVersions int `json:",omitempty"`
	// AbortUploadDays aborts multipart uploads that many days after they
	// were started.
	AbortUploadDays int `json:",omitempty"`
	// Transitions and NoncurrentTransitions move objects to other storage
	// classes; kept as given.
	Transitions           []LifecycleTransition `json:",omitempty"`
	NoncurrentTransitions []LifecycleTransition `json:",omitempty"`
}

// ObjectFilter is the objects a lifecycle or replication rule applies
// to: keys with the prefix, having every tag, of a size strictly between
// the bounds it names.
type ObjectFilter struct {
	Prefix          string `json:",omitempty"`
	Tags            []Tag  `json:",omitempty"`
	SizeGreaterThan int64  `json:",omitempty"`
	SizeLessThan    int64  `json:",omitempty"`
	// And tells that the filter was written as an And of its conditions.
	And bool `json:",omitempty"`
	// Named are the conditions the filter was written with, by their
	// elements' names (Prefix, Tag, ObjectSizeGreaterThan,
	// ObjectSizeLessThan): a prefix or bound named is one even when empty
	// or zero, and is given back as it was.
	Named []string `json:",omitempty"`
}

// Names tells whether the filter was written with the condition of the
// element named.
func (f ObjectFilter) Names(element string) bool {
	for _, n := range f.Named {
		if n == element {
			return true
		}
	}
	return false
}

// Matches tells whether the filter takes in o: its key has the prefix,
// it has every tag, and its size is strictly within the bounds named.
func (f ObjectFilter) Matches(o *Object) bool {
	if !strings.HasPrefix(o.Key, f.Prefix) ||
		f.Names("ObjectSizeGreaterThan") && o.Size <= f.SizeGreaterThan || f.Names("ObjectSizeLessThan") && o.Size >= f.SizeLessThan {
		return false
	}
	for _, want := range f.Tags {
		if !slices.Contains(o.Tags, want) {
			return false
		}
	}
	return true
}

// RemovesDeleteMarkers tells whether the rule removes delete markers
// that are all that is left of their key, as an ExpiredObjectDeleteMarker
// of true asks.
func (r *LifecycleRule) RemovesDeleteMarkers() bool {
	return r.ExpiredObjectDeleteMarker != nil && *r.ExpiredObjectDeleteMarker
}

// LifecycleTransition moves objects to StorageClass after Days (for a
// noncurrent transition, days noncurrent, keeping NewerVersions) or on
// Date.
type LifecycleTransition struct {
	Days          int       `json:",omitempty"`
	Date          time.Time `json:",omitzero"`
	StorageClass  string
	NewerVersions int `json:",omitempty"`
}

// Versioning is a bucket's versioning state. A bucket starts without
// versioning and, once versioning is enabled, can only suspend it.
type Versioning string

const (
	// Unversioned is a bucket's state before versioning is first
	// enabled: every object is the null version, replaced by the next.
	Unversioned Versioning = ""
	// VersioningEnabled gives every object written a version of its own
	// and keeps the versions it takes the place of.
	VersioningEnabled Versioning = "Enabled"
	// VersioningSuspended writes null versions again, replacing the null
	// version of their key, and keeps the other versions.
	VersioningSuspended Versioning = "Suspended"
)

// NullVersion is the VersionID of an object written while its bucket had
// no versioning or had it suspended, which S3 names "null".
const NullVersion = ""

// CORSRule is one rule of a bucket's CORS configuration: the origins,
// methods and headers of the cross-origin requests it allows, and what
// the answer to one tells the browser.
type CORSRule struct {
	ID string `json:",omitempty"`
	// AllowedOrigins and AllowedHeaders may each hold one * that stands
	// for any run of characters; AllowedMethods are GET, PUT, POST,
	// DELETE or HEAD.
	AllowedOrigins []string
	AllowedMethods []string
	AllowedHeaders []string `json:",omitempty"`
	// ExposeHeaders are the answer's headers a browser's script may read.
	ExposeHeaders []string `json:",omitempty"`
	// MaxAgeSeconds is how long a browser may keep a preflight's answer;
	// nil when the rule does not say.
	MaxAgeSeconds *int `json:",omitempty"`
}

// BucketEncryption is a bucket's default encryption: what an object
// written without asking for an encryption gets, and whether writes that
// ask for SSE-C are refused. The zero value is a new bucket's, as S3
// creates them since April 2026: SSE-S3 without an S3 Bucket Key, and
// SSE-C blocked.
type BucketEncryption struct {
	// Algorithm is aws:kms or aws:kms:dsse, with the KMS key KMSKeyID
	// (empty for the AWS managed key); empty for SSE-S3 (AES256).
	Algorithm        string `json:",omitempty"`
	KMSKeyID         string `json:",omitempty"`
	BucketKeyEnabled bool   `json:",omitempty"`
	// AllowCustomerKeys tells that SSE-C writes are taken: the
	// configuration's BlockedEncryptionTypes is NONE rather than SSE-C.
	AllowCustomerKeys bool `json:",omitempty"`
}

// PublicAccessBlock is S3's Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
	// Set tells a configuration of four false settings, which a bucket
	// has and reads back, from none at all; a configuration with a true
	// setting is set whatever this says.
	Set bool `json:",omitempty"`
}

// BlockAll is the configuration of a new bucket.
var BlockAll = PublicAccessBlock{true, true, true, true, true}

// Configured tells whether the bucket has a configuration, as opposed to
// none since DeletePublicAccessBlock.
func (p PublicAccessBlock) Configured() bool {
	return p.Set || p.BlockPublicAcls || p.IgnorePublicAcls || p.BlockPublicPolicy || p.RestrictPublicBuckets
}

// ARN is the bucket's ARN: S3 ARNs name no region or account.
func (b *Bucket) ARN() string { return "arn:aws:s3:::" + b.Name }

// AccessPoint is an S3 access point: a named way into one bucket, with
// a policy of its own that holds beside the bucket's for the requests
// made through it. Its account owns it, most often the bucket's owner.
type AccessPoint struct {
	Account string
	Name    string
	Region  string
	// Bucket is the bucket it leads to, and BucketAccount that bucket's
	// owner when the access point was made.
	Bucket        string
	BucketAccount string
	// Alias names the access point wherever a bucket name goes: unique
	// among all access points, and never a bucket's name.
	Alias string
	// VpcID, when set, takes requests from that VPC alone (NetworkOrigin
	// VPC); an access point without one takes requests from anywhere.
	VpcID string
	// PublicAccessBlock is fixed when the access point is made.
	PublicAccessBlock PublicAccessBlock
	Policy            string
	Tags              []Tag
	CreatedAt         time.Time
}

// ARN is the access point's ARN, which names its region and account.
func (a *AccessPoint) ARN() string {
	return "arn:aws:s3:" + a.Region + ":" + a.Account + ":accesspoint/" + a.Name
}

// LeadsTo reports whether b is the bucket the access point was made
// for: its name, and the owner it had then (a bucket of the name made
// again by another account is not).
func (a *AccessPoint) LeadsTo(b *Bucket) bool {
	return b.Name == a.Bucket && b.Account == a.BucketAccount
}

// NetworkOrigin is where the access point takes requests from: VPC or
// Internet.
func (a *AccessPoint) NetworkOrigin() string {
	if a.VpcID != "" {
		return "VPC"
	}
	return "Internet"
}

// Object is the metadata of an S3 object; its body is a blob kept apart.
type Object struct {
	Bucket       string
	Key          string
	Size         int64
	ETag         string // quoted, as S3 returns it: the MD5 of the body, or of the parts and their count
	ContentType  string
	LastModified time.Time
	// Metadata is the user metadata (x-amz-meta-*), by lower-case name.
	Metadata map[string]string
	// Headers are the other headers S3 stores and returns with the body:
	// Cache-Control, Content-Disposition, Content-Encoding,
	// Content-Language, Expires, and the checksum the client sent.
	Headers map[string]string
	// Blob names the body in the blob store, and Inline is the body of an
	// object small enough for the store to keep in the object's record:
	// one of the two is set, except for an empty object kept inline.
	Blob   string
	Inline []byte
	// Tags are the object's tags, ten at most.
	Tags []Tag
	// PartSizes are the sizes of the parts a multipart upload made the
	// object of, in order; nil for an object put whole.
	PartSizes []int64
	// PartChecksums are those parts' checksums, base64, of the algorithm
	// the upload was created with; nil when it named none.
	PartChecksums []string
	// VersionID names this version of the key (NullVersion for the null
	// version). A DeleteMarker is a version with no body: while it is the
	// key's latest, the key reads as deleted.
	VersionID    string
	DeleteMarker bool
	// IsLatest tells whether the version is its key's current one.
	IsLatest bool
	// Retention and LegalHold are the version's Object Lock: LegalHold
	// is LegalHoldOn or LegalHoldOff once a hold was ever put on it,
	// empty before.
	Retention Retention
	LegalHold string
	// Replication is the version's replication status: empty for a
	// version no replication rule took in when it was written.
	Replication ReplicationStatus
}

// ReplicationStatus is where a version stands in replication, as
// x-amz-replication-status names it: a source version is pending until
// it is copied to every destination of its rules, then completed, or
// failed for good; a copy made by replication is a replica.
type ReplicationStatus string

const (
	ReplicationPending   ReplicationStatus = "PENDING"
	ReplicationCompleted ReplicationStatus = "COMPLETED"
	ReplicationFailed    ReplicationStatus = "FAILED"
	ReplicationReplica   ReplicationStatus = "REPLICA"
)

// Protected tells whether the version's Object Lock keeps it from being
// deleted at now: a legal hold, or a retention that has not run out and
// is not a governance one the caller bypasses.
func (o *Object) Protected(now time.Time, bypassGovernance bool) bool {
	if o.LegalHold == LegalHoldOn {
		return true
	}
	if o.Retention.Mode == "" || !now.Before(o.Retention.Until) {
		return false
	}
	return o.Retention.Mode == Compliance || !bypassGovernance
}

// ARN is the object's ARN.
func (o *Object) ARN() string { return "arn:aws:s3:::" + o.Bucket + "/" + o.Key }

// Upload is a multipart upload in progress: the object it will make, and
// its parts until it completes or is aborted.
type Upload struct {
	ID          string
	Bucket      string
	Key         string
	Account     string // the initiator's account
	Initiator   string // the initiator's ARN
	Initiated   time.Time
	ContentType string
	Metadata    map[string]string
	Headers     map[string]string
	Tags        []Tag // the object's tags, from x-amz-tagging
	// ChecksumAlgorithm is the checksum every part carries, by its name
	// in S3's API (CRC32, SHA256, XXHASH128, ...), empty when the upload was
	// created without one; ChecksumType is how the parts' checksums make
	// the object's: COMPOSITE (a checksum of theirs) or FULL_OBJECT (the
	// whole body's).
	ChecksumAlgorithm string
	ChecksumType      string
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	UploadID     string
	Number       int // 1 to 10,000
	Size         int64
	ETag         string // quoted MD5 of the part
	Checksum     string // base64, of the upload's checksum algorithm; empty when it has none
	Blob         string
	LastModified time.Time
}
