// Package s3api serves Amazon S3's REST API: buckets, their policies and
// objects, with bodies in a blob store. Every request is authorized with
// the full evaluation: the caller's identity policies, the bucket policy,
// and the cross-account rule, the bucket's owner being the resource
// account.
package s3api

import (
	"context"
	"crypto/tls"
	"errors"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/blobs"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/sigv4"
	"github.com/trustgate/trustgate/store"
)

// Namespace is the XML namespace of S3's documents.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Service answers S3 requests.
type Service struct {
	store  store.Store
	blobs  *blobs.Store
	access *access.Checker
	now    func() time.Time
	logs   accessLogs
	// replicationQueued hears that versions to replicate were written;
	// replicating holds one Replicate at a time, and guards
	// replicationAttempts, the runs that failed on a version pending.
	replicationQueued   chan struct{}
	replicating         sync.Mutex
	replicationAttempts map[store.VersionRef]int
	// publicPolicies remembers whether the policies read were public, so
	// that the requests from other accounts parse none again.
	publicPolicies publicPolicies
}

// New returns the S3 service.
func New(st store.Store, bl *blobs.Store, checker *access.Checker, now func() time.Time) *Service {
	return &Service{store: st, blobs: bl, access: checker, now: now, replicationQueued: make(chan struct{}, 1),
		replicationAttempts: map[store.VersionRef]int{}}
}

// Call is one S3 request: its caller (anonymous for an unsigned request),
// what authenticated it (nil when unsigned), and where it came from.
type Call struct {
	Principal *trustgate.Principal
	Signed    *sigv4.Signed
	Request   *http.Request
	RequestID string
	access.Origin

	bucket, key string
	query       url.Values
	// Form is the browser upload form of a POST Object, read up to its
	// file; nil for every other request.
	Form *PostForm

	// copySource marks the call on a copy's source, whose bucket may be
	// in another region than the one the request was signed for.
	copySource bool
	// logged is the call's bucket once looked up, for its access log, and
	// objectSize the size of the object read or written (0 for none).
	logged      *trustgate.Bucket
	objectSize  int64
	moreRecords []loggedElsewhere
	// control marks a call of S3 Control's API, and charged one whose
	// requester pays for it.
	control, charged bool
	// accessPoint is the access point the call came through, nil for a
	// call on its bucket by name.
	accessPoint *trustgate.AccessPoint
	// sourceAccessPoint marks a copy's source named by an access point's
	// ARN, its bucket NAME-ACCOUNT.
	sourceAccessPoint bool
}

// Serve answers the call on w. It returns the error it answered with,
// nil on success, for the request log.
func (s *Service) Serve(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if bucket, ok := websiteBucket(c.Request.Host); ok {
		return s.serveWebsite(ctx, w, c, bucket) // it answers its errors itself
	}
	if isControlRequest(c.Request) {
		c.control = true
		err := s.serveControl(ctx, w, c)
		if err != nil {
			err.write(w, c)
		}
		return err
	}
	if _, payer := c.Request.Header["X-Amz-Request-Payer"]; payer || strings.Contains(c.Request.URL.RawQuery, "x-amz-request-payer") {
		w = &chargedWriter{ResponseWriter: w, c: c}
	}
	c.bucket, c.key = address(c.Request)
	c.query = c.Request.URL.Query()
	c.query.Del("x-id") // the SDKs name the operation; the route finds it
	var h handler
	err := s.findAccessPoint(ctx, c)
	if err == nil {
		h, err = s.route(c)
	}
	if err == nil && !utf8.ValidString(c.key) {
		// Keys are UTF-8; S3 cannot parse a path that decodes to
		// anything else (note 72).
		err = errorf(http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.")
	}
	if err == nil {
		err = customerKeysNotWritten(c)
	}
	cors := s.corsHeaders(ctx, c)
	if err == nil {
		maps.Copy(w.Header(), cors)
		err = h(ctx, w, c)
		// A read that lost its object's body to a write of the key
		// reads the key again: it answers with the old object or the
		// new one, as S3 does, never a failure.
		for retries := 0; err != nil && errors.Is(err.Cause, errBodyReplaced) && retries < 3; retries++ {
			for k := range w.Header() {
				if k != "X-Amzn-Requestid" {
					delete(w.Header(), k)
				}
			}
			maps.Copy(w.Header(), cors)
			err = h(ctx, w, c)
		}
	}
	if err != nil {
		err.write(w, c)
	}
	return err
}

type handler func(ctx context.Context, w http.ResponseWriter, c *Call) *Error

// route picks the operation from the method, the address and the
// subresource in the query.
func (s *Service) route(c *Call) (handler, *Error) {
	r, q := c.Request, c.query
	has := func(sub string) bool { _, ok := q[sub]; return ok }
	switch {
	case r.Method == http.MethodOptions && c.bucket != "":
		return s.preflight, nil
	case c.bucket == "":
		if r.Method == http.MethodGet {
			return s.listBuckets, nil
		}
	case c.key == "":
		switch r.Method {
		case http.MethodPut:
			switch {
			case has("policy"):
				return s.putBucketPolicy, nil
			case has("publicAccessBlock"):
				return s.putPublicAccessBlock, nil
			case has("tagging"):
				return s.putBucketTagging, nil
			case has("ownershipControls"):
				return s.putOwnershipControls, nil
			case has("encryption"):
				return s.putBucketEncryption, nil
			case has("cors"):
				return s.putBucketCors, nil
			case has("versioning"):
				return s.putBucketVersioning, nil
			case has("lifecycle"):
				return s.putBucketLifecycle, nil
			case has("object-lock"):
				return s.putObjectLockConfiguration, nil
			case has("website"):
				return s.putBucketWebsite, nil
			case has("logging"):
				return s.putBucketLogging, nil
			case has("replication"):
				return s.putBucketReplication, nil
			case has("requestPayment"):
				return s.putBucketRequestPayment, nil
			case has("accelerate"):
				return s.putBucketAccelerate, nil
			case has("notification"):
				return s.putBucketNotification, nil
			case has("abac"):
				return s.putBucketAbac, nil
			case has("acl"):
				return s.putBucketACL, nil
			case namesIDConfiguration(q):
				return s.idConfiguration, nil
			case !namesSubresource(q, bucketSubresources):
				return s.createBucket, nil
			}
		case http.MethodGet:
			switch {
			case has("policy"):
				return s.getBucketPolicy, nil
			case has("policyStatus"):
				return s.getBucketPolicyStatus, nil
			case has("publicAccessBlock"):
				return s.getPublicAccessBlock, nil
			case has("tagging"):
				return s.getBucketTagging, nil
			case has("location"):
				return s.getBucketLocation, nil
			case has("ownershipControls"):
				return s.getOwnershipControls, nil
			case has("acl"):
				return s.getBucketACL, nil
			case has("encryption"):
				return s.getBucketEncryption, nil
			case has("cors"):
				return s.getBucketCors, nil
			case has("versioning"):
				return s.getBucketVersioning, nil
			case has("lifecycle"):
				return s.getBucketLifecycle, nil
			case has("object-lock"):
				return s.getObjectLockConfiguration, nil
			case has("website"):
				return s.getBucketWebsite, nil
			case has("logging"):
				return s.getBucketLogging, nil
			case has("replication"):
				return s.getBucketReplication, nil
			case has("requestPayment"):
				return s.getBucketRequestPayment, nil
			case has("accelerate"):
				return s.getBucketAccelerate, nil
			case has("notification"):
				return s.getBucketNotification, nil
			case has("abac"):
				return s.getBucketAbac, nil
			case namesIDConfiguration(q):
				return s.idConfiguration, nil
			case has("uploads"):
				return s.listMultipartUploads, nil
			case has("versions"):
				return s.listObjectVersions, nil
			case namesSubresource(q, bucketSubresources):
				// A setting trustgate does not serve: NotImplemented.
			case q.Get("list-type") == "2":
				return s.listObjectsV2, nil
			default:
				return s.listObjects, nil
			}
		case http.MethodHead:
			return s.headBucket, nil
		case http.MethodDelete:
			switch {
			case has("policy"):
				return s.deleteBucketPolicy, nil
			case has("publicAccessBlock"):
				return s.deletePublicAccessBlock, nil
			case has("tagging"):
				return s.deleteBucketTagging, nil
			case has("encryption"):
				return s.deleteBucketEncryption, nil
			case has("cors"):
				return s.deleteBucketCors, nil
			case has("lifecycle"):
				return s.deleteBucketLifecycle, nil
			case has("website"):
				return s.deleteBucketWebsite, nil
			case has("replication"):
				return s.deleteBucketReplication, nil
			case namesIDConfiguration(q):
				return s.idConfiguration, nil
			case !namesSubresource(q, bucketSubresources):
				return s.deleteBucket, nil
			}
		case http.MethodPost:
			if has("delete") {
				return s.deleteObjects, nil
			}
			if c.Form != nil {
				return s.postObject, nil
			}
		}
	case has("uploads") && r.Method == http.MethodPost:
		return s.createMultipartUpload, nil
	case has("uploadId"):
		switch r.Method {
		case http.MethodPut:
			if namesCopySource(r) {
				return s.uploadPartCopy, nil
			}
			return s.uploadPart, nil
		case http.MethodPost:
			return s.completeMultipartUpload, nil
		case http.MethodDelete:
			return s.abortMultipartUpload, nil
		case http.MethodGet:
			return s.listParts, nil
		}
	case has("acl") && r.Method == http.MethodGet:
		return s.getObjectACL, nil
	case has("attributes") && r.Method == http.MethodGet:
		return s.getObjectAttributes, nil
	case has("retention") || has("legal-hold"):
		if h, ok := s.objectLockHandler(q, r.Method); ok {
			return h, nil
		}
	case has("tagging"):
		switch r.Method {
		case http.MethodPut:
			return s.putObjectTagging, nil
		case http.MethodGet:
			return s.getObjectTagging, nil
		case http.MethodDelete:
			return s.deleteObjectTagging, nil
		}
	default:
		switch r.Method {
		case http.MethodPut:
			if !namesSubresource(q, objectSubresources) {
				if namesCopySource(r) {
					return s.copyObject, nil
				}
				return s.putObject, nil
			}
		case http.MethodGet:
			if !namesSubresource(q, objectSubresources) {
				return s.getObject, nil
			}
		case http.MethodHead:
			return s.headObject, nil
		case http.MethodDelete:
			if !namesSubresource(q, objectSubresources) {
				return s.deleteObject, nil
			}
		}
	}
	return nil, errorf(http.StatusNotImplemented, "NotImplemented", "trustgate does not implement %s %s with %s yet", r.Method, r.URL.Path, queryNames(q))
}

// bucketSubresources and objectSubresources are the query parameters
// that name what a request is about, S3's subresources (note 50); any
// other parameter of a request S3 does not know is ignored, as S3 ignores
// it. A subresource trustgate does not serve is NotImplemented.
var (
	bucketSubresources = setOf("abac", "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering",
		"inventory", "lifecycle", "location", "logging", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
		"metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
		"publicAccessBlock", "replication", "requestPayment", "session", "tagging", "uploads", "versioning", "versions", "website")
	objectSubresources = setOf("acl", "attributes", "encryption", "legal-hold", "renameObject", "restore", "retention", "select",
		"tagging", "torrent", "uploadId", "uploads")
)

func setOf(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// namesSubresource reports whether the query names one of subresources.
func namesSubresource(q url.Values, subresources map[string]bool) bool {
	for k := range q {
		if subresources[k] {
			return true
		}
	}
	return false
}

func queryNames(q url.Values) string {
	var names []string
	for k := range q {
		names = append(names, k)
	}
	if len(names) == 0 {
		return "no subresource"
	}
	return "?" + strings.Join(names, "&")
}

// address finds the bucket and key of a request. Virtual-hosted style
// names the bucket in the host: BUCKET.localhost or BUCKET.s3...; path
// style in the first path segment (note 37).
func address(r *http.Request) (bucket, key string) {
	path := r.URL.Path
	if b, ok := virtualHostBucket(hostName(r.Host)); ok {
		return b, strings.TrimPrefix(path, "/")
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// hostName is a Host header without its port.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

func virtualHostBucket(host string) (string, bool) {
	host = strings.ToLower(host)
	if b, ok := strings.CutSuffix(host, ".localhost"); ok && b != "" {
		return b, true
	}
	if i := strings.Index(host, ".s3."); i > 0 {
		return host[:i], true
	}
	if i := strings.Index(host, ".s3-"); i > 0 {
		return host[:i], true
	}
	return "", false
}

// authorize decides action on resource for the caller, with the bucket's
// policy and its owner as the resource account (the caller's account when
// bucket is nil), and keys as the request's own condition keys. A request
// through an access point is decided for the access point too, with its
// policy and owner, on its ARN for the resource (note 86): both must
// allow it.
func (s *Service) authorize(ctx context.Context, c *Call, action, resource string, bucket *trustgate.Bucket, keys *policy.Context) *Error {
	if keys == nil {
		keys = policy.NewContext()
	}
	if ap := c.accessPoint; ap != nil {
		if bucket == nil || bucket.Name != ap.Bucket || !strings.HasPrefix(resource, bucket.ARN()) {
			// Every call served through an access point is decided on
			// its bucket; one that is not is refused, never decided
			// without the access point.
			return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
		}
		keys.Set("s3:DataAccessPointArn", ap.ARN())
		keys.Set("s3:DataAccessPointAccount", ap.Account)
		keys.Set("s3:AccessPointNetworkOrigin", ap.NetworkOrigin())
		apKeys := keys.Clone()
		setResourceTags(apKeys, ap.Tags) // the access point's tags, on its own decision
		if c.Principal.Kind == policy.Anonymous || ap.VpcID != "" {
			// Access points take signed requests alone, and a VPC's
			// access point only its VPC's, which trustgate has none of.
			return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
		}
		apResource := ap.ARN()
		if object := strings.TrimPrefix(resource, bucket.ARN()); object != "" {
			apResource += "/object" + object
		}
		if err := s.decide(ctx, c, action, apResource, resourceOwner{accessPoint: ap}, apKeys); err != nil {
			return err
		}
	}
	return s.decide(ctx, c, action, resource, resourceOwner{bucket: bucket}, keys)
}

// resourceOwner is what a decision is on: a bucket, an access point, or
// neither (the caller's account deciding alone).
type resourceOwner struct {
	bucket      *trustgate.Bucket
	accessPoint *trustgate.AccessPoint
}

// of is the resource's account and policy, and false for neither.
func (o resourceOwner) of() (account, resourcePolicy string, ok bool) {
	switch {
	case o.bucket != nil:
		return o.bucket.Account, o.bucket.Policy, true
	case o.accessPoint != nil:
		return o.accessPoint.Account, o.accessPoint.Policy, true
	}
	return "", "", false
}

// restricted reports whether Block Public Access keeps the resource to
// its own account.
func (s *Service) restricted(ctx context.Context, o resourceOwner) (bool, error) {
	if o.bucket != nil {
		return s.restrictedPublic(ctx, o.bucket)
	}
	return s.restrictedAccessPoint(ctx, o.accessPoint)
}

// decide is authorize's decision on one resource.
func (s *Service) decide(ctx context.Context, c *Call, action, resource string, owner resourceOwner, keys *policy.Context) *Error {
	req := &access.Request{Principal: c.Principal, Action: action, Resource: resource, ResourceAccount: c.Principal.Account,
		Context: keys, Origin: c.Origin}
	ownerAccount, resourcePolicy, owned := owner.of()
	if owned {
		req.ResourceAccount = ownerAccount
		req.ResourcePolicy, req.ResourceKind = resourcePolicy, policy.Resource
	}
	// Every S3 request has these keys, the resource account the caller's
	// own for a request on no bucket (ListBuckets, CreateBucket), as the
	// bucket it makes will be (note 58).
	if req.ResourceAccount != "" {
		keys.Set("s3:ResourceAccount", req.ResourceAccount)
	}
	keys = withBucketTags(keys, owner.bucket)
	req.Context = keys
	if c.Signed != nil {
		if v := c.Request.Header["X-Amz-Content-Sha256"]; len(v) > 0 && v[0] != "" {
			keys.Set("s3:x-amz-content-sha256", v[0])
		}
		keys.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
		if c.Signed.Post {
			keys.Set("s3:authType", "POST")
		} else if c.Signed.Presigned {
			keys.Set("s3:authType", "REST-QUERY-STRING")
			keys.Set("s3:signatureAge", itoa(c.Signed.Time.Sub(s.now()).Abs().Milliseconds()))
		} else {
			keys.Set("s3:authType", "REST-HEADER")
		}
	}
	if t := c.Request.TLS; t != nil {
		keys.Set("s3:TlsVersion", tlsVersion(t.Version))
	}
	r, err := s.access.Check(ctx, req)
	if err != nil {
		return internal(err)
	}
	if r.Decision == authz.Allow && owned && c.Principal.Account != ownerAccount {
		// RestrictPublicBuckets: a bucket with a public policy serves only
		// its own account (note 38).
		restricted, err := s.restricted(ctx, owner)
		if err != nil {
			return internal(err)
		}
		if restricted {
			r = authz.Result{Decision: authz.ImplicitDeny, Type: authz.ResourcePolicy}
		}
	}
	if r.Decision == authz.Allow {
		return nil
	}
	// S3 explains a denial within an account or an organization (note 38).
	msg := "Access Denied"
	if c.Principal.Kind != policy.Anonymous {
		explain := !owned || ownerAccount == c.Principal.Account
		if !explain {
			var oerr error
			if explain, oerr = s.access.SameOrganization(ctx, ownerAccount, c.Principal.Account); oerr != nil {
				return internal(oerr)
			}
		}
		if explain {
			msg = access.S3DeniedMessage(c.Principal, action, resource, r)
		}
	}
	e := errorf(http.StatusForbidden, "AccessDenied", "%s", msg)
	e.denial = authmsg.New(c.Principal, action, resource, r, keys)
	return e
}

// namesCopySource tells a copy from a write of a body: the request has
// x-amz-copy-source, empty or not (an empty one is a copy of nothing,
// refused, never a write of an empty body over the object).
func namesCopySource(r *http.Request) bool {
	_, ok := r.Header["X-Amz-Copy-Source"]
	return ok
}

// tlsVersion is a TLS version as s3:TlsVersion holds it, a number: 1.2
// or 1.3, the versions a trustgate listener takes.
func tlsVersion(v uint16) string {
	if v == tls.VersionTLS13 {
		return "1.3"
	}
	return "1.2"
}

// bucketFor looks up the call's bucket; a bucket that does not exist is
// NoSuchBucket before any authorization, as S3 answers.
func (s *Service) bucketFor(ctx context.Context, c *Call) (*trustgate.Bucket, *Error) {
	b, err := s.lookupBucket(ctx, c)
	if err != nil {
		return nil, err
	}
	if !c.copySource {
		if err := checkRegion(c, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// bucketAllowed is the call's bucket once the caller is allowed action
// on it: the authorization of the calls on a bucket's own settings.
func (s *Service) bucketAllowed(ctx context.Context, c *Call, action string) (*trustgate.Bucket, *Error) {
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, action, b.ARN(), b, nil); err != nil {
		return nil, err
	}
	return b, nil
}

// lookupBucket is bucketFor without the signing region's check: for
// GetBucketLocation, which S3 answers whatever region it was signed for.
func (s *Service) lookupBucket(ctx context.Context, c *Call) (*trustgate.Bucket, *Error) {
	b, err := s.findBucket(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := checkBucketConditions(c, b); err != nil {
		return nil, err
	}
	return b, nil
}

// findBucket looks up the call's bucket, and keeps it for its access
// log, before any check: for HeadBucket, which names the bucket's region
// whatever else it answers, and a CORS preflight, which no condition of
// a request's holds up.
func (s *Service) findBucket(ctx context.Context, c *Call) (*trustgate.Bucket, *Error) {
	b, err := s.store.Bucket(ctx, c.bucket)
	if errors.Is(err, trustgate.ErrNotFound) {
		return nil, noSuchBucket(c.bucket)
	}
	if err != nil {
		return nil, internal(err)
	}
	if ap := c.accessPoint; ap != nil && !ap.LeadsTo(b) {
		// A bucket of the name made again by another account is not the
		// bucket the access point was made for.
		return nil, noSuchBucket(c.bucket)
	}
	c.logged = b
	return b, nil
}

// checkBucketConditions refuses a call that its bucket's owner condition
// or Requester Pays refuses.
func checkBucketConditions(c *Call, b *trustgate.Bucket) *Error {
	if err := checkExpectedOwner(c, b); err != nil {
		return err
	}
	return checkRequesterPays(c, b)
}

// checkExpectedOwner refuses a call on a bucket of another account than
// the one it expects (x-amz-expected-bucket-owner, or for a copy's source
// x-amz-source-expected-bucket-owner), as S3's bucket owner condition
// does (note 83): AccessDenied, with nothing said of the owner.
func checkExpectedOwner(c *Call, b *trustgate.Bucket) *Error {
	header, param, query := "X-Amz-Expected-Bucket-Owner", "x-amz-expected-bucket-owner", c.query
	if c.copySource {
		header, param, query = "X-Amz-Source-Expected-Bucket-Owner", "x-amz-source-expected-bucket-owner", nil
	}
	values, named := c.Request.Header[header]
	if !named && strings.Contains(c.Request.URL.RawQuery, param) {
		// A presigned URL names it in its query, as the SDKs' presigners
		// write it.
		if query == nil {
			query = c.Request.URL.Query()
		}
		values, named = query[param]
	}
	if !named {
		return nil
	}
	expected := values[0]
	switch {
	case !arn.IsAccountID(expected):
		return errorf(http.StatusBadRequest, "InvalidBucketOwnerAWSAccountID",
			"The value of the expected bucket owner parameter must be an AWS Account ID... [%s]", expected)
	case expected != b.Account:
		return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	return nil
}

// checkRegion refuses a request signed for another region than its
// bucket's, naming the bucket's, as S3 does (note 63); the SDKs that
// follow it sign again for that region. An unsigned request has no
// region to be wrong.
func checkRegion(c *Call, b *trustgate.Bucket) *Error {
	signed := c.Region
	if signed == "aws-global" {
		signed = DefaultRegion
	}
	if c.Signed == nil || signed == "" || signed == b.Region {
		return nil
	}
	if c.Signed.Post {
		// [wire] meteor-slingshot issue 150: the form's credential named.
		return errorf(http.StatusBadRequest, "InvalidArgument", "the region '%s' is wrong; expecting '%s'", c.Region, b.Region).
			with("ArgumentName", "X-Amz-Credential").with("ArgumentValue", c.Form.fields["x-amz-credential"]).with("Region", b.Region)
	}
	if c.Signed.Presigned {
		return errorf(http.StatusBadRequest, "AuthorizationQueryParametersError",
			"Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'", c.Region, b.Region).with("Region", b.Region)
	}
	return errorf(http.StatusBadRequest, "AuthorizationHeaderMalformed",
		"The authorization header is malformed; the region '%s' is wrong; expecting '%s'", c.Region, b.Region).with("Region", b.Region)
}

// isoTime formats a time as S3's XML documents do.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// httpTime formats a time as S3's headers do.
func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// restrictedPublic reports whether Block Public Access keeps a bucket to
// its own account: RestrictPublicBuckets holds for it, by its own
// setting or its account's, and its policy is public.
func (s *Service) restrictedPublic(ctx context.Context, b *trustgate.Bucket) (bool, error) {
	if b.Policy == "" {
		return false, nil
	}
	if !b.PublicAccessBlock.RestrictPublicBuckets {
		pab, err := s.publicAccessBlockOf(ctx, b)
		if err != nil || !pab.RestrictPublicBuckets {
			return false, err
		}
	}
	return s.publicPolicies.public(b.Policy, false), nil
}
