package iamapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/store"
)

// Session duration limits of a role, in seconds.
const (
	DefaultMaxSessionDuration = 3600
	MaxMaxSessionDuration     = 43200
)

type role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	PermissionsBoundary      *boundaryElement `xml:",omitempty"`
	Tags                     *tagList         `xml:"Tags,omitempty"`
}

func roleOf(r *trustgate.Role) role {
	return role{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.CreatedAt),
		AssumeRolePolicyDocument: encodeDocument(r.TrustPolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, Tags: tagsOf(r.Tags)}
}

func maxSessionDuration(c *Call) (int, *query.Error) {
	v := c.Request.Get("MaxSessionDuration")
	if v == "" {
		return DefaultMaxSessionDuration, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < DefaultMaxSessionDuration || n > MaxMaxSessionDuration {
		return 0, query.InvalidMember(v, "maxSessionDuration", "Member must have value between 3600 and 43200")
	}
	return n, nil
}

func (s *Service) createRole(ctx context.Context, c *Call) (any, *query.Error) {
	n, err := name(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	p, err := path(c)
	if err != nil {
		return nil, err
	}
	trust, parsed, err := document(c, "AssumeRolePolicyDocument", policy.Trust, policy.TrustPolicyQuota)
	if err != nil {
		return nil, err
	}
	maxDuration, err := maxSessionDuration(c)
	if err != nil {
		return nil, err
	}
	tg, err := tags(c, "TagsPerRole")
	if err != nil {
		return nil, err
	}
	description := c.Request.Get("Description")
	if len(description) > 1000 {
		return nil, query.InvalidMember(description, "description", "Member must have length less than or equal to 1000")
	}
	r := &trustgate.Role{Account: c.Principal.Account, Name: n, ID: ids.Unique(ids.Role), Path: p, TrustPolicy: trust,
		Description: description, MaxSessionDuration: maxDuration, Tags: tg, CreatedAt: s.now()}
	if r.Boundary, err = boundaryParam(c, false); err != nil {
		return nil, err
	}
	if err := s.authorizeCreate(ctx, c, "iam:CreateRole", "iam:TagRole", r.ARN(), tg); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, c, r.Boundary); err != nil {
		return nil, err
	}
	if err := s.checkPrincipals(ctx, parsed); err != nil {
		return nil, err
	}
	if e := s.store.CreateRole(ctx, r); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "Role with name %s already exists.", n)
		}
		return nil, internal(e)
	}
	return struct{ Role role }{roleOf(r)}, nil
}

// checkPrincipals refuses a trust policy naming a user or role that does
// not exist (note 53).
func (s *Service) checkPrincipals(ctx context.Context, trust *policy.Policy) *query.Error {
	unknown, err := s.access.UnknownPrincipal(ctx, trust)
	if err != nil {
		return internal(err)
	}
	if unknown != "" {
		return query.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "Invalid principal in policy: \"AWS\":\"%s\"", unknown)
	}
	return nil
}

// targetRole resolves the RoleName parameter and authorizes action on it.
func (s *Service) targetRole(ctx context.Context, c *Call, action string) (*trustgate.Role, *query.Error) {
	n, err := name(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	return resolve(s, ctx, c, action, trustgate.RoleEntity, n, s.store.Role)
}

func (s *Service) getRole(ctx context.Context, c *Call) (any, *query.Error) {
	r, err := s.targetRole(ctx, c, "iam:GetRole")
	if err != nil {
		return nil, err
	}
	out := roleOf(r)
	out.PermissionsBoundary = boundaryOf(r.Boundary)
	return struct{ Role role }{out}, nil
}

func (s *Service) listRoles(ctx context.Context, c *Call) (any, *query.Error) {
	prefix, perr := pathPrefix(c)
	if perr != nil {
		return nil, perr
	}
	if err := s.authorize(ctx, c, "iam:ListRoles", arnOf(c, trustgate.RoleEntity, "/", "")); err != nil {
		return nil, err
	}
	all, e := s.store.Roles(ctx, c.Principal.Account, prefix)
	if e != nil {
		return nil, internal(e)
	}
	roles, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		Roles struct {
			Member []role `xml:"member"`
		}
		page
	}{page: pg}
	for _, r := range roles {
		out.Roles.Member = append(out.Roles.Member, roleOf(r))
	}
	return out, nil
}

func (s *Service) deleteRole(ctx context.Context, c *Call) (any, *query.Error) {
	r, err := s.targetRole(ctx, c, "iam:DeleteRole")
	if err != nil {
		return nil, err
	}
	if e := s.replacePrincipal(ctx, r.ARN(), r.ID, func(tx store.Store) error {
		return tx.DeleteRole(ctx, r.Account, r.Name)
	}); e != nil {
		return nil, storeError(e, "role with name "+r.Name)
	}
	return nil, nil
}

func (s *Service) updateAssumeRolePolicy(ctx context.Context, c *Call) (any, *query.Error) {
	trust, parsed, err := document(c, "PolicyDocument", policy.Trust, policy.TrustPolicyQuota)
	if err != nil {
		return nil, err
	}
	r, err := s.targetRole(ctx, c, "iam:UpdateAssumeRolePolicy")
	if err != nil {
		return nil, err
	}
	if err := s.checkPrincipals(ctx, parsed); err != nil {
		return nil, err
	}
	return nil, s.changeRole(ctx, r, func(cur *trustgate.Role) *query.Error {
		cur.TrustPolicy = trust
		return nil
	})
}

// updateRole changes a role's description and maximum session duration.
func (s *Service) updateRole(ctx context.Context, c *Call) (any, *query.Error) {
	r, err := s.targetRole(ctx, c, "iam:UpdateRole")
	if err != nil {
		return nil, err
	}
	description, duration := r.Description, r.MaxSessionDuration
	if c.Request.Has("Description") {
		description = c.Request.Get("Description")
		if len(description) > 1000 {
			return nil, query.InvalidMember(description, "description", "Member must have length less than or equal to 1000")
		}
	}
	if c.Request.Has("MaxSessionDuration") {
		if duration, err = maxSessionDuration(c); err != nil {
			return nil, err
		}
	}
	err = s.changeRole(ctx, r, func(cur *trustgate.Role) *query.Error {
		if c.Request.Has("Description") {
			cur.Description = description
		}
		if c.Request.Has("MaxSessionDuration") {
			cur.MaxSessionDuration = duration
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil // UpdateRole answers an empty UpdateRoleResult
}

// changeRole applies change to role r as it is stored by now, in one step
// (see store.Store), so that changes made at once to one role all hold. A
// role deleted and made again under r's name since is not r: the change
// fails as for a role that is gone.
func (s *Service) changeRole(ctx context.Context, r *trustgate.Role, change func(*trustgate.Role) *query.Error) *query.Error {
	err := s.store.UpdateRole(ctx, r.Account, r.Name, func(cur *trustgate.Role) error {
		if cur.ID != r.ID {
			return trustgate.ErrNotFound
		}
		return asError(change(cur))
	})
	return answer(err, "role with name "+r.Name)
}

func (s *Service) putRolePermissionsBoundary(ctx context.Context, c *Call) (any, *query.Error) {
	boundary, err := boundaryParam(c, true)
	if err != nil {
		return nil, err
	}
	r, err := s.targetRole(ctx, c, "iam:PutRolePermissionsBoundary")
	if err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, c, boundary); err != nil {
		return nil, err
	}
	return nil, s.changeRole(ctx, r, func(cur *trustgate.Role) *query.Error {
		cur.Boundary = boundary
		return nil
	})
}

func (s *Service) deleteRolePermissionsBoundary(ctx context.Context, c *Call) (any, *query.Error) {
	r, err := s.targetRole(ctx, c, "iam:DeleteRolePermissionsBoundary")
	if err != nil {
		return nil, err
	}
	return nil, s.changeRole(ctx, r, func(cur *trustgate.Role) *query.Error {
		if cur.Boundary == "" {
			return query.Errorf(http.StatusNotFound, "NoSuchEntity", "The role %s has no permissions boundary.", cur.Name)
		}
		cur.Boundary = ""
		return nil
	})
}

func (s *Service) tagRole(ctx context.Context, c *Call) (any, *query.Error) {
	added, err := tags(c, "TagsPerRole")
	if err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return nil, query.MissingParameter("Tags")
	}
	setRequestTags(c, added)
	r, err := s.targetRole(ctx, c, "iam:TagRole")
	if err != nil {
		return nil, err
	}
	return nil, s.changeRole(ctx, r, func(cur *trustgate.Role) (err *query.Error) {
		cur.Tags, err = mergeTags(cur.Tags, added, "TagsPerRole")
		return err
	})
}

func (s *Service) untagRole(ctx context.Context, c *Call) (any, *query.Error) {
	keys := c.Request.Members("TagKeys")
	if len(keys) == 0 {
		return nil, query.MissingParameter("TagKeys")
	}
	c.setKey("aws:TagKeys", keys...)
	r, err := s.targetRole(ctx, c, "iam:UntagRole")
	if err != nil {
		return nil, err
	}
	return nil, s.changeRole(ctx, r, func(cur *trustgate.Role) *query.Error {
		cur.Tags = withoutTags(cur.Tags, keys)
		return nil
	})
}

func (s *Service) listRoleTags(ctx context.Context, c *Call) (any, *query.Error) {
	r, err := s.targetRole(ctx, c, "iam:ListRoleTags")
	if err != nil {
		return nil, err
	}
	return tagPage(c, r.Tags)
}
