package iamapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// MaxAccessKeys is IAM's quota of access keys per user.
const MaxAccessKeys = 2

type accessKey struct {
	UserName        string `xml:",omitempty"`
	AccessKeyId     string
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string
}

// keyOwner is whose keys an access-key action is about: the UserName
// parameter, or else the caller itself (its own user, or the root user).
func (s *Service) keyOwner(ctx context.Context, c *Call, action string) (userName string, err *query.Error) {
	if c.Request.Get("UserName") == "" && c.Principal.Kind == policy.Root {
		return "", s.authorize(ctx, c, action, c.Principal.ARN)
	}
	u, err := s.targetUser(ctx, c, action, true)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

func (s *Service) createAccessKey(ctx context.Context, c *Call) (any, *query.Error) {
	owner, err := s.keyOwner(ctx, c, "iam:CreateAccessKey")
	if err != nil {
		return nil, err
	}
	existing, e := s.store.AccessKeys(ctx, c.Principal.Account, owner)
	if e != nil {
		return nil, internal(e)
	}
	if len(existing) >= MaxAccessKeys {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeys)
	}
	k := &trustgate.AccessKey{
		ID: ids.AccessKeyID(ids.LongTermKey, c.Principal.Account), Secret: ids.SecretAccessKey(), Account: c.Principal.Account,
		UserName: owner, Status: trustgate.KeyActive, CreatedAt: s.now(),
	}
	if e := s.store.CreateAccessKey(ctx, k); e != nil {
		return nil, storeError(e, "user with name "+owner)
	}
	return struct{ AccessKey accessKey }{accessKey{UserName: owner, AccessKeyId: k.ID, Status: k.Status, SecretAccessKey: k.Secret, CreateDate: isoTime(k.CreatedAt)}}, nil
}

func (s *Service) listAccessKeys(ctx context.Context, c *Call) (any, *query.Error) {
	owner, err := s.keyOwner(ctx, c, "iam:ListAccessKeys")
	if err != nil {
		return nil, err
	}
	keys, e := s.store.AccessKeys(ctx, c.Principal.Account, owner)
	if e != nil {
		return nil, internal(e)
	}
	out := struct {
		AccessKeyMetadata struct {
			Member []accessKey `xml:"member"`
		}
		IsTruncated bool
	}{}
	for _, k := range keys {
		out.AccessKeyMetadata.Member = append(out.AccessKeyMetadata.Member,
			accessKey{UserName: owner, AccessKeyId: k.ID, Status: k.Status, CreateDate: isoTime(k.CreatedAt)})
	}
	return out, nil
}

// ownKey checks that the AccessKeyId parameter names a key of owner.
func (s *Service) ownKey(ctx context.Context, c *Call, owner string) (*trustgate.AccessKey, *query.Error) {
	id := c.Request.Get("AccessKeyId")
	if id == "" {
		return nil, query.MissingParameter("AccessKeyId")
	}
	k, e := s.store.AccessKey(ctx, id)
	if e != nil || k.Account != c.Principal.Account || !equalFold(k.UserName, owner) {
		return nil, query.Errorf(http.StatusNotFound, "NoSuchEntity", "The Access Key with id %s cannot be found.", id)
	}
	return k, nil
}

func (s *Service) updateAccessKey(ctx context.Context, c *Call) (any, *query.Error) {
	owner, err := s.keyOwner(ctx, c, "iam:UpdateAccessKey")
	if err != nil {
		return nil, err
	}
	status := c.Request.Get("Status")
	if status != trustgate.KeyActive && status != trustgate.KeyInactive {
		return nil, query.InvalidMember(status, "status", "Member must satisfy enum value set: [Active, Inactive]")
	}
	k, err := s.ownKey(ctx, c, owner)
	if err != nil {
		return nil, err
	}
	if e := s.store.UpdateAccessKeyStatus(ctx, c.Principal.Account, k.ID, status); e != nil {
		return nil, storeError(e, "Access Key with id "+k.ID)
	}
	return nil, nil
}

func (s *Service) deleteAccessKey(ctx context.Context, c *Call) (any, *query.Error) {
	owner, err := s.keyOwner(ctx, c, "iam:DeleteAccessKey")
	if err != nil {
		return nil, err
	}
	k, err := s.ownKey(ctx, c, owner)
	if err != nil {
		return nil, err
	}
	if e := s.store.DeleteAccessKey(ctx, c.Principal.Account, k.ID); e != nil {
		return nil, storeError(e, "Access Key with id "+k.ID)
	}
	return nil, nil
}

// getAccessKeyLastUsed tells when a key was last used, and for which
// service and region ("N/A" before its first use), as IAM does. The use is
// recorded at most once a minute per key and service.
func (s *Service) getAccessKeyLastUsed(ctx context.Context, c *Call) (any, *query.Error) {
	id := c.Request.Get("AccessKeyId")
	if id == "" {
		return nil, query.MissingParameter("AccessKeyId")
	}
	notFound := query.Errorf(http.StatusNotFound, "NoSuchEntity", "The Access Key with id %s cannot be found.", id)
	k, e := s.store.AccessKey(ctx, id)
	if errors.Is(e, trustgate.ErrNotFound) || (e == nil && k.Account != c.Principal.Account) {
		return nil, notFound
	}
	if e != nil {
		return nil, internal(e)
	}
	owner := arn.Root("aws", k.Account)
	if !k.IsRoot() {
		owner = arnOf(c, trustgate.UserEntity, "/", k.UserName)
		if u, e := s.store.User(ctx, k.Account, k.UserName); e == nil {
			owner = u.ARN()
		}
	}
	if err := s.authorize(ctx, c, "iam:GetAccessKeyLastUsed", owner); err != nil {
		return nil, err
	}
	use, e := s.store.AccessKeyLastUsed(ctx, id)
	if errors.Is(e, trustgate.ErrNotFound) {
		return nil, notFound
	}
	if e != nil {
		return nil, internal(e)
	}
	type lastUsed struct {
		LastUsedDate string `xml:",omitempty"`
		ServiceName  string
		Region       string
	}
	out := struct {
		UserName          string `xml:",omitempty"`
		AccessKeyLastUsed lastUsed
	}{UserName: k.UserName, AccessKeyLastUsed: lastUsed{ServiceName: "N/A", Region: "N/A"}}
	if !use.At.IsZero() {
		out.AccessKeyLastUsed = lastUsed{LastUsedDate: isoTime(use.At), ServiceName: use.Service, Region: use.Region}
	}
	return out, nil
}
