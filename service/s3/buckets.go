package s3api

import (
	"context"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// DefaultRegion is the region of a bucket created without a
// LocationConstraint.
const DefaultRegion = "us-east-1"

// maxConfigBody bounds the XML configuration documents S3 takes in a
// request body (bucket creation, tagging, public access block).
const maxConfigBody = 64 << 10

// The bodies of DeleteObjects and CompleteMultipartUpload list up to 1,000
// keys of up to 1,024 bytes and up to 10,000 parts with their checksums:
// they are bounded apart.
const (
	maxDeleteBody   = 2 << 20
	maxCompleteBody = 4 << 20
)

type owner struct {
	ID          string
	DisplayName string `xml:",omitempty"`
}

// maxListedBuckets bounds a page of ListBuckets, and is its page when a
// request pages without saying how far.
const maxListedBuckets = 10000

// listBuckets lists the caller's account's buckets by name, those with
// the prefix and in the region asked for, in pages of max-buckets resumed
// at the continuation token (note 37).
func (s *Service) listBuckets(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if err := s.authorize(ctx, c, "s3:ListAllMyBuckets", "*", nil, nil); err != nil {
		return err
	}
	q := c.query
	limit := maxListedBuckets
	if v := q.Get("max-buckets"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 || n > maxListedBuckets {
			return errorf(http.StatusBadRequest, "InvalidArgument", "Argument max-buckets must be an integer between 1 and %d", maxListedBuckets).
				with("ArgumentName", "max-buckets").with("ArgumentValue", v)
		}
		limit = n
	}
	after := ""
	if token := q.Get("continuation-token"); token != "" {
		name, ok := resumePoint(token)
		if !ok || !validBucketName(name) {
			return badContinuationToken(token)
		}
		after = name
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	buckets, err := s.store.Buckets(ctx, c.Principal.Account)
	if err != nil {
		return internal(err)
	}
	type bucket struct {
		Name         string
		CreationDate string
		BucketRegion string
	}
	out := struct {
		XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		Owner   owner
		Buckets struct {
			Bucket []bucket
		}
		ContinuationToken string `xml:",omitempty"`
		Prefix            string `xml:",omitempty"`
	}{Xmlns: Namespace, Owner: owner{ID: policy.CanonicalUserID(c.Principal.Account)}, Prefix: prefix}
	for _, b := range buckets {
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || (region != "" && b.Region != region) {
			continue
		}
		if len(out.Buckets.Bucket) == limit {
			out.ContinuationToken = continuationToken(out.Buckets.Bucket[limit-1].Name)
			break
		}
		out.Buckets.Bucket = append(out.Buckets.Bucket, bucket{Name: b.Name, CreationDate: isoTime(b.CreatedAt), BucketRegion: b.Region})
	}
	return writeXML(w, c, http.StatusOK, out)
}

var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// validBucketName applies S3's naming rules for general purpose buckets.
func validBucketName(name string) bool {
	if !bucketNamePattern.MatchString(name) || strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return false
		}
	}
	return true
}

// locationConstraints are the regions a CreateBucket may name, as S3's
// model lists them; us-east-1 is named by no constraint at all.
var locationConstraints = setOf("af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
	"ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "EU", "eu-central-1",
	"eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
	"me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2")

// createBucketHeaderKeys are the headers of a CreateBucket that are
// condition keys of the same name, as http.Header keeps them.
var createBucketHeaderKeys = []headerKey{
	{"X-Amz-Acl", "s3:x-amz-acl"},
	{"X-Amz-Object-Ownership", "s3:x-amz-object-ownership"},
	{"X-Amz-Grant-Full-Control", "s3:x-amz-grant-full-control"},
	{"X-Amz-Grant-Read", "s3:x-amz-grant-read"},
	{"X-Amz-Grant-Read-Acp", "s3:x-amz-grant-read-acp"},
	{"X-Amz-Grant-Write", "s3:x-amz-grant-write"},
	{"X-Amz-Grant-Write-Acp", "s3:x-amz-grant-write-acp"},
}

// hasGrants tells whether a request grants ACL permissions in headers.
func hasGrants(h http.Header) bool {
	for _, k := range createBucketHeaderKeys {
		if strings.HasPrefix(k.header, "X-Amz-Grant-") && h.Get(k.header) != "" {
			return true
		}
	}
	return false
}

// createBucketKeys are CreateBucket's condition keys (note 58): its
// location constraint when it names one, and its ACL and ownership
// headers.
func createBucketKeys(h http.Header, constraint string) *policy.Context {
	keys := policy.NewContext()
	if constraint != "" {
		keys.Set("s3:locationconstraint", constraint)
	}
	setHeaderKeys(keys, h, createBucketHeaderKeys)
	return keys
}

// checkNewBucketHeaders refuses what a new bucket cannot have: an ACL
// beside the BucketOwnerEnforced ownership every trustgate bucket has, and
// the Object Ownership settings trustgate does not implement (note 50).
func checkNewBucketHeaders(h http.Header) *Error {
	switch own := h.Get("x-amz-object-ownership"); own {
	case "", "BucketOwnerEnforced":
	case "ObjectWriter", "BucketOwnerPreferred":
		return errorf(http.StatusNotImplemented, "NotImplemented", "A header you provided implies functionality that is not implemented").
			with("Header", "x-amz-object-ownership")
	default:
		return errorf(http.StatusBadRequest, "InvalidArgument", "Invalid x-amz-object-ownership header: %s", own).
			with("ArgumentName", "x-amz-object-ownership").with("ArgumentValue", own)
	}
	if acl := h.Get("x-amz-acl"); (acl != "" && acl != "private") || hasGrants(h) {
		return errorf(http.StatusBadRequest, "InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	return nil
}

func (s *Service) createBucket(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if !validBucketName(c.bucket) {
		return errorf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", c.bucket)
	}
	var conf struct {
		XMLName            xml.Name `xml:"CreateBucketConfiguration"`
		LocationConstraint string
		Tags               *tagList
	}
	if err := readXML(c, &conf); err != nil {
		return err
	}
	tags, terr := conf.Tags.tags()
	if terr != nil {
		return terr
	}
	if err := checkTags(tags, MaxBucketTags, "Bucket"); err != nil {
		return err
	}
	region := conf.LocationConstraint
	switch {
	case region == DefaultRegion || region != "" && !locationConstraints[region] && region != c.Region:
		// A region of trustgate's own, one AWS does not have, is taken
		// from a client that signs for it.
		return errorf(http.StatusBadRequest, "InvalidLocationConstraint", "The specified location-constraint is not valid").with("LocationConstraint", region)
	case region == "":
		region = DefaultRegion
	case region == "EU":
		// The old name of eu-west-1, which S3 still takes.
		region = "eu-west-1"
	}
	if signed := c.Region; signed != "" && signed != region && signed != "aws-global" {
		if conf.LocationConstraint == "" {
			return errorf(http.StatusBadRequest, "IllegalLocationConstraintException",
				"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		}
		return errorf(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", region)
	}
	keys := createBucketKeys(c.Request.Header, conf.LocationConstraint)
	setResourceRequestTags(keys, tags)
	if err := s.authorize(ctx, c, "s3:CreateBucket", "arn:aws:s3:::"+c.bucket, nil, keys); err != nil {
		return err
	}
	if len(tags) > 0 {
		// Tags given at creation are the caller's to give (note 89).
		tagKeys := policy.NewContext()
		setResourceRequestTags(tagKeys, tags)
		if err := s.authorize(ctx, c, "s3:TagResource", "arn:aws:s3:::"+c.bucket, nil, tagKeys); err != nil {
			return err
		}
	}
	if err := checkNewBucketHeaders(c.Request.Header); err != nil {
		return err
	}
	b := &trustgate.Bucket{Name: c.bucket, Account: c.Principal.Account, Region: region, CreatedAt: s.now(), PublicAccessBlock: trustgate.BlockAll, Tags: tags}
	if strings.EqualFold(c.Request.Header.Get(bucketLockHeader), "true") {
		// Object Lock comes with versioning, and the caller needs the
		// permissions of both (note 77).
		for _, action := range []string{"s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"} {
			if err := s.authorize(ctx, c, action, b.ARN(), nil, nil); err != nil {
				return err
			}
		}
		b.ObjectLock.Enabled, b.Versioning = true, trustgate.VersioningEnabled
	}
	if region != conf.LocationConstraint && conf.LocationConstraint != "" {
		b.LocationConstraint = conf.LocationConstraint // note 37
	}
	if err := s.store.CreateBucket(ctx, b); err != nil {
		if !errors.Is(err, trustgate.ErrConflict) {
			return internal(err)
		}
		existing, lerr := s.store.Bucket(ctx, c.bucket)
		switch {
		case lerr != nil:
			return internal(lerr)
		case existing.Account != c.Principal.Account:
			return errorf(http.StatusConflict, "BucketAlreadyExists",
				"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").with("BucketName", c.bucket)
		case existing.Region == DefaultRegion && region == DefaultRegion:
			// us-east-1 answers a repeated creation by the owner with success (note 37).
		default:
			return errorf(http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.").with("BucketName", c.bucket)
		}
	}
	w.Header().Set("Location", "/"+c.bucket)
	return writeEmpty(w, c, http.StatusOK)
}

// readXML decodes an optional XML request body into v.
func readXML(c *Call, v any) *Error {
	return readXMLUpTo(c, v, maxConfigBody)
}

// readXMLUpTo decodes an XML body of at most limit bytes into v, checked
// against the digests the request sent.
func readXMLUpTo(c *Call, v any, limit int) *Error {
	return readXMLOf(c, v, limit, true, false)
}

// readDocument is readXML for a document S3 requires: an empty body is
// MissingRequestBodyError, never a document of nothing (which would turn
// Block Public Access off, or remove every tag).
func readDocument(c *Call, v any) *Error {
	return readXMLOf(c, v, maxConfigBody, true, true)
}

// readXMLOf decodes an XML body of at most limit bytes into v, checked
// against the Content-MD5 the request sent and, when its x-amz-checksum-*
// headers are the body's (bodySums), against those. An empty body leaves
// v as it is, unless the document is required.
func readXMLOf(c *Call, v any, limit int, bodySums, required bool) *Error {
	body, err := readBody(c, limit, bodySums)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		if required {
			return errorf(http.StatusBadRequest, "MissingRequestBodyError", "Request Body is empty")
		}
		return nil
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return malformedXML()
	}
	return nil
}

// malformedXML refuses a body that is no document S3 takes.
func malformedXML() *Error {
	return errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

// readBody reads a request body other than an object's, of at most limit
// bytes, and checks it against the Content-MD5 and, bodySums, the
// x-amz-checksum-* headers the request sent, as S3 checks every body.
func readBody(c *Call, limit int, bodySums bool) ([]byte, *Error) {
	var sums []*checksum
	if bodySums {
		var serr *Error
		if sums, serr = requestChecksums(c.Request.Header); serr != nil {
			return nil, serr
		}
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, int64(limit)+1))
	if err != nil {
		return nil, readError(err)
	}
	if len(body) > limit {
		return nil, errorf(http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
	}
	md5sum := md5.Sum(body)
	if err := contentMD5(c.Request.Header.Get("Content-MD5"), md5sum[:]); err != nil {
		return nil, err
	}
	for _, h := range hashes(sums) {
		h.Write(body)
	}
	var trailers http.Header // read with the body, when it had any
	if c.Signed != nil {
		trailers = c.Signed.Trailers()
	}
	if _, err := verify(sums, trailers); err != nil {
		return nil, err
	}
	return body, nil
}

func (s *Service) headBucket(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.findBucket(ctx, c)
	if err != nil {
		return err
	}
	// The bucket's region comes whatever the caller may do with it, a
	// denial or a request signed for another region included, as S3
	// sends it: the SDKs find a bucket's region so.
	w.Header().Set("x-amz-bucket-region", b.Region)
	if ap := c.accessPoint; ap != nil {
		if name, _ := address(c.Request); name == ap.Alias {
			w.Header().Set("x-amz-access-point-alias", "true")
		}
	}
	if err := checkBucketConditions(c, b); err != nil {
		return err
	}
	if err := checkRegion(c, b); err != nil {
		return err
	}
	if err := s.authorize(ctx, c, "s3:ListBucket", b.ARN(), b, nil); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) deleteBucket(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:DeleteBucket")
	if err != nil {
		return err
	}
	// Uploads in progress do not keep a bucket: they end with it (note 39).
	aborted, derr := s.store.DeleteBucket(ctx, b.Name)
	if errors.Is(derr, trustgate.ErrAccessPointsAttached) {
		return errorf(http.StatusBadRequest, "BucketHasAccessPointsAttached", "Bucket has access points attached and cannot be deleted.").with("BucketName", b.Name)
	}
	if derr != nil {
		if errors.Is(derr, trustgate.ErrConflict) {
			message := "The bucket you tried to delete is not empty"
			if b.Versioning != trustgate.Unversioned {
				message += ". You must delete all versions in the bucket."
			}
			return errorf(http.StatusConflict, "BucketNotEmpty", "%s", message).with("BucketName", b.Name)
		}
		return storeError(derr, c)
	}
	for _, p := range aborted {
		s.blobs.Remove(p.Blob)
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) getBucketLocation(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.lookupBucket(ctx, c)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, c, "s3:GetBucketLocation", b.ARN(), b, nil); err != nil {
		return err
	}
	out := struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Xmlns   string   `xml:"xmlns,attr"`
		Region  string   `xml:",chardata"`
	}{Xmlns: Namespace}
	switch {
	case b.LocationConstraint != "":
		out.Region = b.LocationConstraint // "EU", as it was created (note 37)
	case b.Region != DefaultRegion:
		out.Region = b.Region // us-east-1 is the empty constraint
	}
	return writeXML(w, c, http.StatusOK, out)
}

// Bucket policies. The owner account's root user may always read, change
// or delete the policy, even when the policy denies it, so that a bad
// policy cannot lock the owner out (note 38).

func (s *Service) policyAction(ctx context.Context, c *Call, action string) (*trustgate.Bucket, *Error) {
	b, err := s.bucketFor(ctx, c)
	if err != nil {
		return nil, err
	}
	decideWith := b
	if c.Principal.Kind == policy.Root && c.Principal.Account == b.Account {
		// The owner's root user is never locked out of its bucket's policy
		// by the policy itself: it is decided without it, so that only the
		// organization's policies may still refuse it (note 38).
		withoutPolicy := *b
		withoutPolicy.Policy = ""
		decideWith = &withoutPolicy
	}
	if err := s.authorize(ctx, c, action, b.ARN(), decideWith, nil); err != nil {
		return nil, err
	}
	if c.Principal.Account != b.Account {
		// Only the owner account manages its bucket policy: another
		// account, even one allowed to, is refused after its permission
		// is checked, as S3 documents it.
		return nil, methodNotAllowed(c, "BUCKETPOLICY")
	}
	return b, nil
}

func (s *Service) putBucketPolicy(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.policyAction(ctx, c, "s3:PutBucketPolicy")
	if err != nil {
		return err
	}
	// Room past the quota, for the quota's own error to name a document
	// over it.
	body, rerr := readBody(c, 4*policy.BucketPolicyQuota.Max, true)
	if rerr != nil {
		return rerr
	}
	doc := string(body)
	p, perr := s.checkResourcePolicy(ctx, doc, func(p *policy.Policy) *Error { return checkPolicyResources(p, b.Name) })
	if perr != nil {
		return perr
	}
	accountBlock, aerr := s.store.AccountPublicAccessBlock(ctx, b.Account)
	if aerr != nil && !errors.Is(aerr, trustgate.ErrNotFound) {
		return internal(aerr)
	}
	blockedByAccount := accountBlock != nil && accountBlock.BlockPublicPolicy
	err = s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		// The block as it is now: one put meanwhile holds.
		if (cur.PublicAccessBlock.BlockPublicPolicy || blockedByAccount) && isPublic(p) {
			return errorf(http.StatusForbidden, "AccessDenied",
				"User: %s is not authorized to perform: s3:PutBucketPolicy on resource: \"%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", c.Principal.ARN, b.ARN())
		}
		cur.Policy = doc
		return nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// checkResourcePolicy parses a bucket's or an access point's policy and
// refuses it as S3 does, in S3's order of checks: its size, JSON, the
// grammar, the resources (as checkResources wants them), the actions,
// and the principals, which must exist (note 53).
func (s *Service) checkResourcePolicy(ctx context.Context, doc string, checkResources func(*policy.Policy) *Error) (*policy.Policy, *Error) {
	if qerr := policy.BucketPolicyQuota.Check(doc); qerr != nil {
		return nil, errorf(http.StatusBadRequest, "PolicyTooLarge", "Policy exceeds the maximum allowed document size.")
	}
	if !strings.HasPrefix(doc, "{") {
		// S3's own check comes first; a document that starts well but is
		// no JSON gets the policy parser's "This policy contains invalid Json".
		return nil, errorf(http.StatusBadRequest, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	p, perr := policy.Parse(doc, policy.Resource)
	if perr != nil {
		return nil, errorf(http.StatusBadRequest, "MalformedPolicy", "%s", perr.Error())
	}
	if err := checkResources(p); err != nil {
		return nil, err
	}
	for _, st := range p.Statements {
		if err := checkPolicyActions(st); err != nil {
			return nil, err
		}
	}
	if unknown, uerr := s.access.UnknownPrincipal(ctx, p); uerr != nil {
		return nil, internal(uerr)
	} else if unknown != "" {
		return nil, errorf(http.StatusBadRequest, "MalformedPolicy", "Invalid principal in policy")
	}
	return p, nil
}

// changeBucket applies change to bucket b as it is stored by now, in one
// step (see store.Store), so that a policy, a public access block and
// tags put at once all hold. A bucket deleted and made again under b's
// name since is not b: the change fails as for a bucket that is gone.
func (s *Service) changeBucket(ctx context.Context, c *Call, b *trustgate.Bucket, change func(*trustgate.Bucket) *Error) *Error {
	err := s.store.UpdateBucket(ctx, b.Name, func(cur *trustgate.Bucket) error {
		if cur.Account != b.Account || !cur.CreatedAt.Equal(b.CreatedAt) {
			return trustgate.ErrNotFound
		}
		if err := change(cur); err != nil {
			return err
		}
		return nil
	})
	var refused *Error
	switch {
	case errors.As(err, &refused):
		return refused
	case err != nil:
		return storeError(err, c)
	}
	return nil
}

// checkPolicyResources requires every Resource of a bucket policy to name
// the bucket or its objects (a pattern may stand for it), as S3 does.
func checkPolicyResources(p *policy.Policy, bucket string) *Error {
	for _, st := range p.Statements {
		for _, r := range st.Resources {
			name := strings.TrimPrefix(r, "arn:aws:s3:::")
			if name == r {
				return errorf(http.StatusBadRequest, "MalformedPolicy", "Policy has invalid resource")
			}
			name, _, _ = strings.Cut(name, "/")
			if name != bucket && !strings.ContainsAny(name, "*?$") {
				return errorf(http.StatusBadRequest, "MalformedPolicy", "Policy has invalid resource")
			}
		}
	}
	return nil
}

func (s *Service) getBucketPolicy(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.policyAction(ctx, c, "s3:GetBucketPolicy")
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return errorf(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist").with("BucketName", b.Name)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amz-request-id", c.RequestID)
	h.Set("x-amz-id-2", hostID(c.RequestID))
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, b.Policy)
	return nil
}

func (s *Service) deleteBucketPolicy(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.policyAction(ctx, c, "s3:DeleteBucketPolicy")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.Policy = ""
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) getBucketPolicyStatus(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketPolicyStatus")
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return errorf(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist").with("BucketName", b.Name)
	}
	p, perr := policy.Parse(b.Policy, policy.Resource)
	if perr != nil {
		return internal(perr)
	}
	out := struct {
		XMLName  xml.Name `xml:"PolicyStatus"`
		Xmlns    string   `xml:"xmlns,attr"`
		IsPublic bool
	}{Xmlns: Namespace, IsPublic: isPublic(p)}
	return writeXML(w, c, http.StatusOK, out)
}

type publicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns                 string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// block is the Block Public Access a document sets.
func (d publicAccessBlockConfiguration) block() trustgate.PublicAccessBlock {
	return trustgate.PublicAccessBlock{BlockPublicAcls: d.BlockPublicAcls, IgnorePublicAcls: d.IgnorePublicAcls,
		BlockPublicPolicy: d.BlockPublicPolicy, RestrictPublicBuckets: d.RestrictPublicBuckets, Set: true}
}

// publicAccessBlockDocument writes a Block Public Access in the namespace
// of the API that reads it (S3's or S3 Control's).
func publicAccessBlockDocument(namespace string, pab trustgate.PublicAccessBlock) publicAccessBlockConfiguration {
	return publicAccessBlockConfiguration{Xmlns: namespace, BlockPublicAcls: pab.BlockPublicAcls, IgnorePublicAcls: pab.IgnorePublicAcls,
		BlockPublicPolicy: pab.BlockPublicPolicy, RestrictPublicBuckets: pab.RestrictPublicBuckets}
}

func (s *Service) putPublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketPublicAccessBlock")
	if err != nil {
		return err
	}
	var conf publicAccessBlockConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.PublicAccessBlock = conf.block()
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getPublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketPublicAccessBlock")
	if err != nil {
		return err
	}
	if !b.PublicAccessBlock.Configured() {
		return errorf(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found").with("BucketName", b.Name)
	}
	return writeXML(w, c, http.StatusOK, publicAccessBlockDocument(Namespace, b.PublicAccessBlock))
}

func (s *Service) deletePublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketPublicAccessBlock")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		cur.PublicAccessBlock = trustgate.PublicAccessBlock{}
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) putBucketTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketTagging")
	if err != nil {
		return err
	}
	tags, err := readTagging(c, MaxBucketTags, "Bucket")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if err := abacTagging(cur); err != nil {
			return err
		}
		cur.Tags = tags
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) getBucketTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketTagging")
	if err != nil {
		return err
	}
	if len(b.Tags) == 0 {
		return errorf(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist").with("BucketName", b.Name)
	}
	out := tagging{Xmlns: Namespace}
	out.TagSet.Tag = b.Tags
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) deleteBucketTagging(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:PutBucketTagging")
	if err != nil {
		return err
	}
	if err := s.changeBucket(ctx, c, b, func(cur *trustgate.Bucket) *Error {
		if err := abacTagging(cur); err != nil {
			return err
		}
		cur.Tags = nil
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// getOwnershipControls answers BucketOwnerEnforced: ACLs are disabled on
// every bucket, as on AWS's new buckets since 2023.
func (s *Service) getOwnershipControls(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	if _, err := s.bucketAllowed(ctx, c, "s3:GetBucketOwnershipControls"); err != nil {
		return err
	}
	out := struct {
		XMLName xml.Name `xml:"OwnershipControls"`
		Xmlns   string   `xml:"xmlns,attr"`
		Rule    struct{ ObjectOwnership string }
	}{Xmlns: Namespace}
	out.Rule.ObjectOwnership = "BucketOwnerEnforced"
	return writeXML(w, c, http.StatusOK, out)
}

// getBucketACL answers the one ACL a bucket with ACLs disabled has: full
// control for its owner.
func (s *Service) getBucketACL(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, err := s.bucketAllowed(ctx, c, "s3:GetBucketAcl")
	if err != nil {
		return err
	}
	return writeXML(w, c, http.StatusOK, ownerOnlyACL(b.Account))
}

// getObjectACL answers the ACL of an object in a bucket with ACLs
// disabled: the bucket owner owns every object, with full control.
func (s *Service) getObjectACL(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	b, _, err := s.objectFor(ctx, c, "s3:GetObjectAcl")
	if err != nil {
		return err
	}
	return writeXML(w, c, http.StatusOK, ownerOnlyACL(b.Account))
}

// ownerOnlyACL is an AccessControlPolicy granting the account that owns
// a bucket full control, and nothing to anyone else.
func ownerOnlyACL(account string) any {
	type grantee struct {
		XMLNSXsi string `xml:"xmlns:xsi,attr"`
		XsiType  string `xml:"xsi:type,attr"`
		ID       string
	}
	type grant struct {
		Grantee    grantee
		Permission string
	}
	out := struct {
		XMLName           xml.Name `xml:"AccessControlPolicy"`
		Xmlns             string   `xml:"xmlns,attr"`
		Owner             owner
		AccessControlList struct {
			Grant []grant
		}
	}{Xmlns: Namespace, Owner: owner{ID: policy.CanonicalUserID(account)}}
	out.AccessControlList.Grant = []grant{{Grantee: grantee{XMLNSXsi: "http://www.w3.org/2001/XMLSchema-instance", XsiType: "CanonicalUser", ID: policy.CanonicalUserID(account)}, Permission: "FULL_CONTROL"}}
	return out
}
