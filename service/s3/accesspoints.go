package s3api

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/policy"
)

// S3 access points (note 86): named ways into one bucket, each with a
// policy of its own, managed through S3 Control and used wherever a
// bucket name goes, by their alias or by their ARN.

// maxAccessPoints bounds a listing's page, as S3 Control does.
const maxAccessPoints = 1000

// serveAccessPoints answers S3 Control's calls on access points: path is
// what follows "accesspoint" in the request's path.
func (s *Service) serveAccessPoints(ctx context.Context, w http.ResponseWriter, c *Call, account, path string) *Error {
	if path == "" {
		if c.Request.Method != http.MethodGet {
			return methodNotAllowed(c, "ACCESSPOINT")
		}
		return s.listAccessPoints(ctx, w, c, account)
	}
	name, sub, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if err := checkAccessPointName(name); err != nil {
		return err
	}
	m := c.Request.Method
	switch {
	case sub == "" && m == http.MethodPut:
		return s.createAccessPoint(ctx, w, c, account, name)
	case sub == "" && m == http.MethodGet:
		return s.getAccessPoint(ctx, w, c, account, name)
	case sub == "" && m == http.MethodDelete:
		return s.deleteAccessPoint(ctx, w, c, account, name)
	case sub == "policy" && m == http.MethodPut:
		return s.putAccessPointPolicy(ctx, w, c, account, name)
	case sub == "policy" && m == http.MethodGet:
		return s.getAccessPointPolicy(ctx, w, c, account, name)
	case sub == "policy" && m == http.MethodDelete:
		return s.deleteAccessPointPolicy(ctx, w, c, account, name)
	case sub == "policyStatus" && m == http.MethodGet:
		return s.getAccessPointPolicyStatus(ctx, w, c, account, name)
	case sub == "" || sub == "policy" || sub == "policyStatus":
		return methodNotAllowed(c, "ACCESSPOINT")
	}
	return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate does not implement %s %s", m, c.Request.URL.Path)
}

// checkAccessPointName refuses a name S3 does not take: 3 to 50
// lower-case letters, digits and hyphens, none at either end, and no
// alias's suffix. S3 cannot route a name of other characters or length
// at all, and says so.
func checkAccessPointName(name string) *Error {
	if len(name) < 3 || len(name) > 50 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
		return errorf(http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.").with("URI", "accesspoint/"+name)
	}
	if strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") || strings.Contains(name, ".") || strings.HasSuffix(name, "-s3alias") {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Your Amazon S3 AccessPoint name is invalid")
	}
	return nil
}

func noSuchAccessPoint(name string) *Error {
	return errorf(http.StatusNotFound, "NoSuchAccessPoint", "The specified accesspoint does not exist").with("AccessPointName", name)
}

// accessPointARN is the ARN of account's access point name, made in
// the region the request was signed for.
func accessPointARN(c *Call, account, name string) string {
	return (&trustgate.AccessPoint{Region: signingRegion(c), Account: account, Name: name}).ARN()
}

// signingRegion is the region a request was signed for, S3's default
// for none or the global one.
func signingRegion(c *Call) string {
	if c.Region == "" || c.Region == "aws-global" {
		return DefaultRegion
	}
	return c.Region
}

type createAccessPointRequest struct {
	XMLName          xml.Name `xml:"CreateAccessPointRequest"`
	Bucket           string
	BucketAccountID  string `xml:"BucketAccountId"`
	VpcConfiguration *struct {
		VpcID string `xml:"VpcId"`
	}
	PublicAccessBlockConfiguration *publicAccessBlockConfiguration
	Scope                          *struct {
		Inner []byte `xml:",innerxml"`
	}
	Tags *tagList
}

func (s *Service) createAccessPoint(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	apARN := accessPointARN(c, account, name)
	var req createAccessPointRequest
	if err := readDocument(c, &req); err != nil {
		return err
	}
	keys := policy.NewContext()
	keys.Set("s3:DataAccessPointArn", apARN)
	keys.Set("s3:DataAccessPointAccount", account)
	origin := "Internet"
	if req.VpcConfiguration != nil {
		origin = "VPC"
	}
	keys.Set("s3:AccessPointNetworkOrigin", origin)
	tags, terr := req.Tags.tags()
	if terr != nil {
		return terr
	}
	if err := checkTags(tags, maxAccessPointTags, "Access point"); err != nil {
		return err
	}
	setResourceRequestTags(keys, tags)
	if err := s.authorize(ctx, c, "s3:CreateAccessPoint", apARN, nil, keys.Clone()); err != nil {
		return err
	}
	if len(tags) > 0 {
		// Tags given at creation are a tagging too.
		if err := s.authorize(ctx, c, "s3:TagResource", apARN, nil, keys); err != nil {
			return err
		}
	}
	switch {
	case req.Bucket == "":
		return malformedXML()
	case req.Scope != nil:
		return errorf(http.StatusBadRequest, "InvalidRequest", "Scope is only taken for access points of directory buckets, which trustgate does not serve")
	case req.VpcConfiguration != nil && !strings.HasPrefix(req.VpcConfiguration.VpcID, "vpc-"):
		return errorf(http.StatusBadRequest, "InvalidRequest", "The VpcId %q is not a VPC's ID (vpc-...)", req.VpcConfiguration.VpcID)
	case req.BucketAccountID != "" && !arn.IsAccountID(req.BucketAccountID):
		return errorf(http.StatusBadRequest, "InvalidRequest", "BucketAccountId must be a 12-digit account ID, not %q", req.BucketAccountID)
	}
	b, err := s.store.Bucket(ctx, req.Bucket)
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		return errorf(http.StatusBadRequest, "InvalidRequest", "Amazon S3 AccessPoint can only be created for existing bucket")
	case err != nil:
		return internal(err)
	}
	bucketAccount := req.BucketAccountID
	if bucketAccount == "" {
		bucketAccount = account
	}
	if bucketAccount != b.Account {
		// The owner must be named to make an access point to another
		// account's bucket, and named right.
		return errorf(http.StatusBadRequest, "InvalidRequest", "BucketAccountId parameter should be same as the AWS Account Id of bucket owner")
	}
	if b.Region != signingRegion(c) {
		return errorf(http.StatusBadRequest, "InvalidRequest", "The bucket %s is in %s: an access point is made in its bucket's region, and this request was signed for %s", b.Name, b.Region, signingRegion(c))
	}
	ap := &trustgate.AccessPoint{Account: account, Name: name, Region: b.Region, Bucket: b.Name, BucketAccount: b.Account,
		Alias: newAccessPointAlias(name), PublicAccessBlock: trustgate.BlockAll, Tags: tags, CreatedAt: s.now()}
	if req.VpcConfiguration != nil {
		ap.VpcID = req.VpcConfiguration.VpcID
	}
	if conf := req.PublicAccessBlockConfiguration; conf != nil {
		// A configuration given sets what it names, the rest off; only
		// none at all blocks everything (note 86).
		ap.PublicAccessBlock = conf.block()
	}
	existing, err := s.store.AccessPoints(ctx, account)
	if err != nil {
		return internal(err)
	}
	if len(existing) >= 10000 {
		return errorf(http.StatusBadRequest, "TooManyAccessPoints", "You have attempted to create more access points than are allowed for an account.")
	}
	switch err := s.store.CreateAccessPoint(ctx, ap); {
	case errors.Is(err, trustgate.ErrConflict):
		return errorf(http.StatusConflict, "AccessPointAlreadyOwnedByYou", "Your previous request to create the named accesspoint succeeded and you already own it.")
	case errors.Is(err, trustgate.ErrNotFound):
		return errorf(http.StatusBadRequest, "InvalidRequest", "Amazon S3 AccessPoint can only be created for existing bucket")
	case err != nil:
		return internal(err)
	}
	out := struct {
		XMLName        xml.Name `xml:"CreateAccessPointResult"`
		Xmlns          string   `xml:"xmlns,attr"`
		AccessPointArn string
		Alias          string
	}{Xmlns: controlNamespace, AccessPointArn: ap.ARN(), Alias: ap.Alias}
	return writeXML(w, c, http.StatusOK, out)
}

// newAccessPointAlias makes an alias as S3 does: the start of the name,
// 34 random characters and -s3alias, at most 63 characters in all, so
// that it is a valid bucket name that no bucket can have.
func newAccessPointAlias(name string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	prefix := strings.TrimRight(name[:min(len(name), 20)], "-")
	random := make([]byte, 34)
	rand.Read(random)
	for i, b := range random {
		random[i] = alphabet[int(b)%len(alphabet)]
	}
	return prefix + "-" + string(random) + "-s3alias"
}

// ownAccessPoint is account's access point name once the caller may
// take action on it. Only the account's own principals manage its
// access points.
func (s *Service) ownAccessPoint(ctx context.Context, c *Call, account, name, action string) (*trustgate.AccessPoint, *Error) {
	ap, err := s.store.AccessPoint(ctx, account, name)
	resource := accessPointARN(c, account, name)
	if err == nil {
		resource = ap.ARN()
	}
	keys := policy.NewContext()
	if err == nil {
		setResourceTags(keys, ap.Tags)
	}
	if aerr := s.authorize(ctx, c, action, resource, nil, keys); aerr != nil {
		return nil, aerr
	}
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		return nil, noSuchAccessPoint(name)
	case err != nil:
		return nil, internal(err)
	}
	return ap, nil
}

type accessPointEntry struct {
	Name             string
	NetworkOrigin    string
	VpcConfiguration *vpcConfiguration `xml:",omitempty"`
	Bucket           string
	AccessPointArn   string
	Alias            string
	BucketAccountID  string `xml:"BucketAccountId"`
}

type vpcConfiguration struct {
	VpcID string `xml:"VpcId"`
}

func accessPointEntryOf(ap *trustgate.AccessPoint) accessPointEntry {
	e := accessPointEntry{Name: ap.Name, NetworkOrigin: ap.NetworkOrigin(), Bucket: ap.Bucket, AccessPointArn: ap.ARN(),
		Alias: ap.Alias, BucketAccountID: ap.BucketAccount}
	if ap.VpcID != "" {
		e.VpcConfiguration = &vpcConfiguration{ap.VpcID}
	}
	return e
}

type endpoint struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func (s *Service) getAccessPoint(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	ap, err := s.ownAccessPoint(ctx, c, account, name, "s3:GetAccessPoint")
	if err != nil {
		return err
	}
	e := accessPointEntryOf(ap)
	out := struct {
		XMLName                        xml.Name `xml:"GetAccessPointResult"`
		Xmlns                          string   `xml:"xmlns,attr"`
		Name                           string
		Bucket                         string
		NetworkOrigin                  string
		VpcConfiguration               *vpcConfiguration `xml:",omitempty"`
		PublicAccessBlockConfiguration publicAccessBlockConfiguration
		CreationDate                   string
		Alias                          string
		AccessPointArn                 string
		Endpoints                      []endpoint `xml:"Endpoints>entry"`
		BucketAccountID                string     `xml:"BucketAccountId"`
	}{Xmlns: controlNamespace, Name: e.Name, Bucket: e.Bucket, NetworkOrigin: e.NetworkOrigin, VpcConfiguration: e.VpcConfiguration,
		PublicAccessBlockConfiguration: publicAccessBlockDocument("", ap.PublicAccessBlock), CreationDate: isoTime(ap.CreatedAt),
		Alias: e.Alias, AccessPointArn: e.AccessPointArn, BucketAccountID: e.BucketAccountID}
	for _, kind := range []struct{ key, host string }{{"ipv4", "s3-accesspoint"}, {"fips", "s3-accesspoint-fips"},
		{"fips_dualstack", "s3-accesspoint-fips.dualstack"}, {"dualstack", "s3-accesspoint.dualstack"}} {
		out.Endpoints = append(out.Endpoints, endpoint{kind.key, kind.host + "." + ap.Region + ".amazonaws.com"})
	}
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) deleteAccessPoint(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	if _, err := s.ownAccessPoint(ctx, c, account, name, "s3:DeleteAccessPoint"); err != nil {
		return err
	}
	switch err := s.store.DeleteAccessPoint(ctx, account, name); {
	case errors.Is(err, trustgate.ErrNotFound):
		return noSuchAccessPoint(name)
	case err != nil:
		return internal(err)
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) listAccessPoints(ctx context.Context, w http.ResponseWriter, c *Call, account string) *Error {
	if err := s.authorize(ctx, c, "s3:ListAccessPoints", "*", nil, nil); err != nil {
		return err
	}
	q := c.Request.URL.Query()
	limit := maxAccessPoints
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxAccessPoints {
			return errorf(http.StatusBadRequest, "InvalidRequest", "maxResults must be a number from 0 to %d, not %q", maxAccessPoints, v)
		}
		limit = n
	}
	if limit == 0 {
		limit = maxAccessPoints
	}
	bucket := q.Get("bucket")
	if bucket != "" {
		if _, err := s.store.Bucket(ctx, bucket); errors.Is(err, trustgate.ErrNotFound) {
			return errorf(http.StatusBadRequest, "InvalidRequest", "An access point can be listed only for an existing bucket")
		} else if err != nil {
			return internal(err)
		}
	}
	all, err := s.store.AccessPoints(ctx, account)
	if err != nil {
		return internal(err)
	}
	// The token is the name of the last access point of the page before.
	after := q.Get("nextToken")
	if _, named := q["nextToken"]; named && checkAccessPointName(after) != nil {
		return errorf(http.StatusBadRequest, "InvalidRequest", "The continuation token provided is incorrect")
	}
	out := struct {
		XMLName         xml.Name           `xml:"ListAccessPointsResult"`
		Xmlns           string             `xml:"xmlns,attr"`
		AccessPointList []accessPointEntry `xml:"AccessPointList>AccessPoint"`
		NextToken       string             `xml:",omitempty"`
	}{Xmlns: controlNamespace}
	for _, ap := range all {
		if (bucket != "" && ap.Bucket != bucket) || (after != "" && ap.Name <= after) {
			continue
		}
		if len(out.AccessPointList) == limit {
			out.NextToken = out.AccessPointList[limit-1].Name
			break
		}
		out.AccessPointList = append(out.AccessPointList, accessPointEntryOf(ap))
	}
	return writeXML(w, c, http.StatusOK, out)
}

func (s *Service) putAccessPointPolicy(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	ap, err := s.ownAccessPoint(ctx, c, account, name, "s3:PutAccessPointPolicy")
	if err != nil {
		return err
	}
	var req struct {
		XMLName xml.Name `xml:"PutAccessPointPolicyRequest"`
		Policy  *string
	}
	if err := readXMLUpTo(c, &req, 8*policy.BucketPolicyQuota.Max); err != nil {
		return err
	}
	if req.Policy == nil {
		return malformedXML()
	}
	doc := *req.Policy
	p, perr := s.checkResourcePolicy(ctx, doc, func(p *policy.Policy) *Error { return checkAccessPointPolicyResources(p, ap) })
	if perr != nil {
		return perr
	}
	if isPublicAccessPoint(p) {
		pab, aerr := s.store.AccountPublicAccessBlock(ctx, account)
		if aerr != nil && !errors.Is(aerr, trustgate.ErrNotFound) {
			return internal(aerr)
		}
		if ap.PublicAccessBlock.BlockPublicPolicy || (pab != nil && pab.BlockPublicPolicy) {
			return errorf(http.StatusForbidden, "AccessDenied",
				"User: %s is not authorized to perform: s3:PutAccessPointPolicy on resource: \"%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", c.Principal.ARN, ap.ARN())
		}
	}
	if err := s.changeAccessPoint(ctx, account, name, func(cur *trustgate.AccessPoint) *Error { cur.Policy = doc; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusOK)
}

// checkAccessPointPolicyResources requires every Resource of an access
// point's policy to name the access point or its objects (a pattern may
// stand for them).
func checkAccessPointPolicyResources(p *policy.Policy, ap *trustgate.AccessPoint) *Error {
	for _, st := range p.Statements {
		for _, r := range st.Resources {
			if r == ap.ARN() || strings.HasPrefix(r, ap.ARN()+"/object/") ||
				policy.MatchResource(r, ap.ARN()) || policy.MatchResource(r, ap.ARN()+"/object/") {
				continue
			}
			return errorf(http.StatusBadRequest, "MalformedPolicy", "Policy has invalid resource")
		}
	}
	return nil
}

func (s *Service) getAccessPointPolicy(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	ap, err := s.ownAccessPoint(ctx, c, account, name, "s3:GetAccessPointPolicy")
	if err != nil {
		return err
	}
	if ap.Policy == "" {
		return noSuchAccessPointPolicy(name)
	}
	out := struct {
		XMLName xml.Name `xml:"GetAccessPointPolicyResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		Policy  string
	}{Xmlns: controlNamespace, Policy: ap.Policy}
	return writeXML(w, c, http.StatusOK, out)
}

func noSuchAccessPointPolicy(name string) *Error {
	return errorf(http.StatusNotFound, "NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist").with("AccessPointName", name)
}

func (s *Service) deleteAccessPointPolicy(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	if _, err := s.ownAccessPoint(ctx, c, account, name, "s3:DeleteAccessPointPolicy"); err != nil {
		return err
	}
	if err := s.changeAccessPoint(ctx, account, name, func(cur *trustgate.AccessPoint) *Error { cur.Policy = ""; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

func (s *Service) getAccessPointPolicyStatus(ctx context.Context, w http.ResponseWriter, c *Call, account, name string) *Error {
	ap, err := s.ownAccessPoint(ctx, c, account, name, "s3:GetAccessPointPolicyStatus")
	if err != nil {
		return err
	}
	if ap.Policy == "" {
		return noSuchAccessPointPolicy(name)
	}
	p, perr := policy.Parse(ap.Policy, policy.Resource)
	if perr != nil {
		return internal(perr)
	}
	out := struct {
		XMLName  xml.Name `xml:"GetAccessPointPolicyStatusResult"`
		Xmlns    string   `xml:"xmlns,attr"`
		IsPublic bool     `xml:"PolicyStatus>IsPublic"`
	}{Xmlns: controlNamespace, IsPublic: isPublicAccessPoint(p)}
	return writeXML(w, c, http.StatusOK, out)
}

// findAccessPoint finds the access point a call's bucket name stands
// for, and makes the call one on its bucket through it: an alias, in the
// path or the host, or NAME-ACCOUNT in the host, which the SDKs make of an
// access point's ARN (NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com, or
// NAME-ACCOUNT. before a custom endpoint's host). A bucket may be named
// like the latter; it is the bucket when no such access point exists.
func (s *Service) findAccessPoint(ctx context.Context, c *Call) *Error {
	name := c.bucket
	var ap *trustgate.AccessPoint
	var err error
	switch {
	case strings.HasSuffix(name, "-s3alias"):
		// No bucket can be so named (note 86).
		if ap, err = s.store.AccessPointByAlias(ctx, name); errors.Is(err, trustgate.ErrNotFound) {
			return noSuchBucket(name)
		}
	default:
		i := strings.LastIndexByte(name, '-')
		if i < 0 || !arn.IsAccountID(name[i+1:]) {
			return nil
		}
		host := strings.ToLower(hostName(c.Request.Host))
		if !strings.HasPrefix(host, name+".") {
			return nil
		}
		ap, err = s.store.AccessPoint(ctx, name[i+1:], name[:i])
		onAccessPointHost := strings.HasPrefix(host[len(name):], ".s3-accesspoint")
		switch {
		case errors.Is(err, trustgate.ErrNotFound) && onAccessPointHost:
			return noSuchAccessPoint(name[:i])
		case errors.Is(err, trustgate.ErrNotFound):
			return nil
		case err == nil && !onAccessPointHost:
			// Before a custom endpoint's host, the name may be a
			// bucket's too: neither is taken for the other (note 86).
			switch _, berr := s.store.Bucket(ctx, name); {
			case berr == nil:
				return errorf(http.StatusBadRequest, "InvalidRequest",
					"The host %s names both the bucket %s and the access point %s of account %s: address the bucket path-style, or the access point by its alias", host, name, name[:i], name[i+1:])
			case !errors.Is(berr, trustgate.ErrNotFound):
				return internal(berr)
			}
		}
	}
	if err != nil {
		return internal(err)
	}
	c.accessPoint, c.bucket = ap, ap.Bucket
	if !servedThroughAccessPoint(c) {
		if b, err := s.store.Bucket(ctx, ap.Bucket); err == nil && ap.LeadsTo(b) {
			c.logged = b // the refusal is the bucket's to log
		}
		return errorf(http.StatusBadRequest, "InvalidRequest", "The specified method is not allowed against this resource.").
			with("Method", c.Request.Method).with("ResourceType", "ACCESSPOINT")
	}
	return nil
}

// accessPointBucketReads are the subresources of a bucket that may be
// read through an access point; the rest of a bucket's settings are
// managed on the bucket.
var accessPointBucketReads = setOf("acl", "cors", "location", "notification", "policy", "uploads", "versions")

// servedThroughAccessPoint reports whether S3 takes the call through an
// access point: every call on an object, and the listings and a few
// reads of its bucket's settings.
func servedThroughAccessPoint(c *Call) bool {
	if c.key != "" {
		return true
	}
	q := c.query
	switch c.Request.Method {
	case http.MethodGet:
		for k := range q {
			if bucketSubresources[k] && !accessPointBucketReads[k] {
				return false
			}
		}
		return true
	case http.MethodHead, http.MethodOptions:
		return true
	case http.MethodPost:
		_, deletes := q["delete"]
		return deletes && c.Form == nil
	}
	return false
}

// restrictedAccessPoint reports whether Block Public Access keeps an
// access point to its own account: its policy is public, and its own
// RestrictPublicBuckets or its account's holds.
func (s *Service) restrictedAccessPoint(ctx context.Context, ap *trustgate.AccessPoint) (bool, error) {
	if ap.Policy == "" {
		return false, nil
	}
	if !ap.PublicAccessBlock.RestrictPublicBuckets {
		switch pab, err := s.store.AccountPublicAccessBlock(ctx, ap.Account); {
		case errors.Is(err, trustgate.ErrNotFound):
			return false, nil
		case err != nil || pab == nil || !pab.RestrictPublicBuckets:
			return false, err
		}
	}
	return s.publicPolicies.public(ap.Policy, true), nil
}

// accessPointARNSource reads the account of an access point's ARN cut at
// its first slash, as a copy's source is cut into bucket and key:
// arn:aws:s3:REGION:ACCOUNT:accesspoint.
func accessPointARNSource(bucket string) (account string, ok bool) {
	rest, ok := strings.CutPrefix(bucket, "arn:aws:s3:")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ":accesspoint")
	_, account, _ = strings.Cut(rest, ":")
	return account, ok && arn.IsAccountID(account)
}

// findSourceAccessPoint finds the access point a copy's source names, by
// its alias or its ARN, and makes the source's call one through it.
func (s *Service) findSourceAccessPoint(ctx context.Context, src *Call) *Error {
	var ap *trustgate.AccessPoint
	var err error
	switch {
	case src.sourceAccessPoint:
		i := strings.LastIndexByte(src.bucket, '-')
		name := src.bucket[:i]
		if ap, err = s.store.AccessPoint(ctx, src.bucket[i+1:], name); errors.Is(err, trustgate.ErrNotFound) {
			return noSuchAccessPoint(name)
		}
	case strings.HasSuffix(src.bucket, "-s3alias"):
		if ap, err = s.store.AccessPointByAlias(ctx, src.bucket); errors.Is(err, trustgate.ErrNotFound) {
			return noSuchBucket(src.bucket)
		}
	default:
		return nil
	}
	if err != nil {
		return internal(err)
	}
	if region := signingRegion(src); ap.Region != region {
		return errorf(http.StatusBadRequest, "InvalidRequest", "A copy through an access point stays within its region: the access point %s is in %s, and this request was signed for %s", ap.Name, ap.Region, region)
	}
	src.accessPoint, src.bucket = ap, ap.Bucket
	return nil
}

// accessPointTagsRequest is the document of TagResource.
type accessPointTagsRequest struct {
	XMLName xml.Name `xml:"TagResourceRequest"`
	Tags    *tagList
}

// tagList is S3 Control's list of tags, each with its Key and Value,
// which its schema requires both of.
type tagList struct {
	Tag []struct{ Key, Value *string }
}

// tags reads the list, MalformedXML for a tag without its Key or Value.
func (l *tagList) tags() ([]trustgate.Tag, *Error) {
	if l == nil {
		return nil, nil
	}
	tags := make([]trustgate.Tag, 0, len(l.Tag))
	for _, t := range l.Tag {
		if t.Key == nil || t.Value == nil {
			return nil, malformedXML()
		}
		tags = append(tags, trustgate.Tag{Key: *t.Key, Value: *t.Value})
	}
	return tags, nil
}

// maxAccessPointTags is how many tags an access point may have.
const maxAccessPointTags = 50

// serveResourceTags answers S3 Control's tagging of a resource named by
// its ARN, one of the account's buckets (note 89) or access points (note
// 86): ListTagsForResource, TagResource, which adds to the tags or
// replaces those of the keys it names, and UntagResource.
func (s *Service) serveResourceTags(ctx context.Context, w http.ResponseWriter, c *Call, account, resource string) *Error {
	parsed, ok := arn.Split(resource)
	name, isAccessPoint := strings.CutPrefix(parsed.Resource, "accesspoint/")
	isBucket := ok && parsed.Service == "s3" && parsed.Region == "" && parsed.Account == "" && parsed.Resource != "" && !strings.Contains(parsed.Resource, "/")
	isAccessPoint = ok && parsed.Service == "s3" && isAccessPoint && !strings.Contains(name, "/")
	if !isBucket && !isAccessPoint {
		return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate tags buckets and access points alone through S3 Control, not %s", resource)
	}
	if isAccessPoint && parsed.Account != account {
		// An account's access points are managed by its own principals.
		return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	max, what := maxAccessPointTags, "Access point"
	if isBucket {
		max, what = MaxBucketTags, "Bucket"
	}
	tc, err := readTagChange(c, max, what)
	if err != nil {
		return err
	}
	if isBucket {
		return s.serveBucketTags(ctx, w, c, account, parsed.Resource, tc)
	}
	ap, serr := s.store.AccessPoint(ctx, account, name)
	if serr == nil && ap.Region != parsed.Region {
		// The ARN names another region's access point of the name.
		serr = trustgate.ErrNotFound
	}
	apARN := accessPointARN(c, account, name)
	if serr == nil {
		apARN = ap.ARN()
		setResourceTags(tc.keys, ap.Tags)
	}
	if aerr := s.authorize(ctx, c, tc.action, apARN, nil, tc.keys); aerr != nil {
		return aerr
	}
	switch {
	case errors.Is(serr, trustgate.ErrNotFound):
		return noSuchAccessPoint(name)
	case serr != nil:
		return internal(serr)
	}
	return tc.answer(w, c, ap.Tags, func(retag func(*[]trustgate.Tag) *Error) *Error {
		return s.changeAccessPoint(ctx, account, name, func(cur *trustgate.AccessPoint) *Error { return retag(&cur.Tags) })
	})
}

// tagChange is what an S3 Control tagging call asks of a resource's
// tags: the action that authorizes it, the call's condition keys, and
// the tags it leaves of those a resource has (nil for
// ListTagsForResource, which changes none).
type tagChange struct {
	action string
	keys   *policy.Context
	apply  func(cur []trustgate.Tag) ([]trustgate.Tag, *Error)
}

// readTagChange reads an S3 Control tagging call on a resource that may
// have at most max tags.
func readTagChange(c *Call, max int, what string) (tagChange, *Error) {
	tc := tagChange{action: "s3:ListTagsForResource", keys: policy.NewContext()}
	switch c.Request.Method {
	case http.MethodGet:
	case http.MethodPost:
		tc.action = "s3:TagResource"
		var req accessPointTagsRequest
		if err := readDocument(c, &req); err != nil {
			return tc, err
		}
		tags, err := req.Tags.tags()
		if err != nil {
			return tc, err
		}
		if err := checkTags(tags, max, what); err != nil {
			return tc, err
		}
		setResourceRequestTags(tc.keys, tags)
		tc.apply = func(cur []trustgate.Tag) ([]trustgate.Tag, *Error) {
			cur = slices.Clone(cur)
			for _, t := range tags {
				cur = slices.DeleteFunc(cur, func(old trustgate.Tag) bool { return old.Key == t.Key })
			}
			cur = append(cur, tags...)
			return cur, checkTags(cur, max, what)
		}
	case http.MethodDelete:
		tc.action = "s3:UntagResource"
		removed := c.Request.URL.Query()["tagKeys"]
		if len(removed) > 0 {
			tc.keys.Set("aws:TagKeys", removed...)
		}
		tc.apply = func(cur []trustgate.Tag) ([]trustgate.Tag, *Error) {
			return slices.DeleteFunc(slices.Clone(cur), func(t trustgate.Tag) bool { return slices.Contains(removed, t.Key) }), nil
		}
	default:
		return tc, methodNotAllowed(c, "TAGGING")
	}
	return tc, nil
}

// answer answers the call on a resource that has tags: with them, for
// ListTagsForResource, or with the change made through update, which
// applies retag to the resource's tags as they are stored by then.
func (tc tagChange) answer(w http.ResponseWriter, c *Call, tags []trustgate.Tag, update func(retag func(*[]trustgate.Tag) *Error) *Error) *Error {
	if tc.apply == nil {
		return writeResourceTags(w, c, tags)
	}
	if err := update(func(cur *[]trustgate.Tag) *Error {
		changed, err := tc.apply(*cur)
		*cur = changed
		return err
	}); err != nil {
		return err
	}
	return writeEmpty(w, c, http.StatusNoContent)
}

// writeResourceTags answers ListTagsForResource.
func writeResourceTags(w http.ResponseWriter, c *Call, tags []trustgate.Tag) *Error {
	out := struct {
		XMLName xml.Name        `xml:"ListTagsForResourceResult"`
		Xmlns   string          `xml:"xmlns,attr"`
		Tags    []trustgate.Tag `xml:"Tags>Tag"`
	}{Xmlns: controlNamespace, Tags: tags}
	return writeXML(w, c, http.StatusOK, out)
}

// changeAccessPoint applies change to account's access point name as it
// is stored by now, in one step: the refusal change answers, or
// NoSuchAccessPoint for one gone since.
func (s *Service) changeAccessPoint(ctx context.Context, account, name string, change func(*trustgate.AccessPoint) *Error) *Error {
	err := s.store.UpdateAccessPoint(ctx, account, name, func(cur *trustgate.AccessPoint) error {
		if err := change(cur); err != nil {
			return err
		}
		return nil
	})
	var refused *Error
	switch {
	case errors.As(err, &refused):
		return refused
	case errors.Is(err, trustgate.ErrNotFound):
		return noSuchAccessPoint(name)
	case err != nil:
		return internal(err)
	}
	return nil
}

// setResourceTags puts a resource's tags into a request's condition
// keys, aws:ResourceTag/KEY.
func setResourceTags(keys *policy.Context, tags []trustgate.Tag) {
	for _, t := range tags {
		keys.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
}

// setResourceRequestTags puts the tags a request gives a resource into
// its condition keys: aws:RequestTag/KEY and aws:TagKeys.
func setResourceRequestTags(keys *policy.Context, tags []trustgate.Tag) {
	if len(tags) == 0 {
		return
	}
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		keys.Set("aws:RequestTag/"+t.Key, t.Value)
		names = append(names, t.Key)
	}
	keys.Set("aws:TagKeys", names...)
}
