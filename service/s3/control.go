package s3api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/policy"
)

// S3 Control's account-level Block Public Access (note 82): the
// PublicAccessBlock of an account, which holds for each of its buckets
// beside the bucket's own; and access points (accesspoints.go). S3 Control has an endpoint of its own in AWS,
// ACCOUNT.s3-control.REGION.amazonaws.com; here it shares S3's, its
// requests told apart by their path and x-amz-account-id header.

// controlNamespace is the XML namespace of S3 Control's documents.
const controlNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// controlPrefix begins the path of every S3 Control request.
const controlPrefix = "/v20180820/"

// isControlRequest tells an S3 Control request from an S3 one: a bucket
// may be named v20180820, but no S3 request names an account by header.
func isControlRequest(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, controlPrefix) && r.Header.Get("x-amz-account-id") != ""
}

// serveControl answers an S3 Control request: the account's
// PublicAccessBlock and access points, which only that account's
// principals may read and change, as their policies allow.
func (s *Service) serveControl(ctx context.Context, w http.ResponseWriter, c *Call) *Error {
	path := strings.TrimPrefix(c.Request.URL.Path, controlPrefix)
	accessPoints, isAccessPoints := strings.CutPrefix(path, "accesspoint")
	isAccessPoints = isAccessPoints && (accessPoints == "" || accessPoints[0] == '/')
	tagged, isTags := strings.CutPrefix(path, "tags/")
	if path != "configuration/publicAccessBlock" && !isAccessPoints && !isTags {
		return errorf(http.StatusNotImplemented, "NotImplemented", "trustgate implements S3 Control's PublicAccessBlock and access points alone, not %s %s", c.Request.Method, c.Request.URL.Path)
	}
	account := c.Request.Header.Get("x-amz-account-id")
	if !arn.IsAccountID(account) {
		return errorf(http.StatusBadRequest, "InvalidRequest", "The x-amz-account-id header must be a 12-digit account ID, not %q", account)
	}
	if c.Principal.Kind == policy.Anonymous || c.Principal.Account != account {
		// An account's settings are its own; S3 Control serves no other.
		return errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	switch {
	case isAccessPoints:
		return s.serveAccessPoints(ctx, w, c, account, accessPoints)
	case isTags:
		return s.serveResourceTags(ctx, w, c, account, tagged)
	}
	switch c.Request.Method {
	case http.MethodPut:
		return s.putAccountPublicAccessBlock(ctx, w, c, account)
	case http.MethodGet:
		return s.getAccountPublicAccessBlock(ctx, w, c, account)
	case http.MethodDelete:
		return s.deleteAccountPublicAccessBlock(ctx, w, c, account)
	}
	return methodNotAllowed(c, "PUBLICACCESSBLOCK")
}

func (s *Service) putAccountPublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call, account string) *Error {
	if err := s.authorize(ctx, c, "s3:PutAccountPublicAccessBlock", "*", nil, nil); err != nil {
		return err
	}
	var conf publicAccessBlockConfiguration
	if err := readDocument(c, &conf); err != nil {
		return err
	}
	pab := conf.block()
	if err := s.store.SetAccountPublicAccessBlock(ctx, account, &pab); err != nil {
		return internal(err)
	}
	return writeEmpty(w, c, http.StatusOK)
}

func (s *Service) getAccountPublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call, account string) *Error {
	if err := s.authorize(ctx, c, "s3:GetAccountPublicAccessBlock", "*", nil, nil); err != nil {
		return err
	}
	pab, err := s.store.AccountPublicAccessBlock(ctx, account)
	if err != nil {
		return internal(err)
	}
	if pab == nil {
		return errorf(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found").with("AccountId", account)
	}
	return writeXML(w, c, http.StatusOK, publicAccessBlockDocument(controlNamespace, *pab))
}

func (s *Service) deleteAccountPublicAccessBlock(ctx context.Context, w http.ResponseWriter, c *Call, account string) *Error {
	// S3 authorizes the removal with the action that sets it.
	if err := s.authorize(ctx, c, "s3:PutAccountPublicAccessBlock", "*", nil, nil); err != nil {
		return err
	}
	if err := s.store.SetAccountPublicAccessBlock(ctx, account, nil); err != nil {
		return internal(err)
	}
	return writeEmpty(w, c, http.StatusOK)
}

// publicAccessBlockOf is the Block Public Access that holds for bucket b:
// each setting on where b's own or its owner's account-level one has it.
func (s *Service) publicAccessBlockOf(ctx context.Context, b *trustgate.Bucket) (trustgate.PublicAccessBlock, error) {
	pab := b.PublicAccessBlock
	account, err := s.store.AccountPublicAccessBlock(ctx, b.Account)
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		return pab, nil
	case err != nil || account == nil:
		return pab, err
	}
	pab.BlockPublicAcls = pab.BlockPublicAcls || account.BlockPublicAcls
	pab.IgnorePublicAcls = pab.IgnorePublicAcls || account.IgnorePublicAcls
	pab.BlockPublicPolicy = pab.BlockPublicPolicy || account.BlockPublicPolicy
	pab.RestrictPublicBuckets = pab.RestrictPublicBuckets || account.RestrictPublicBuckets
	return pab, nil
}
