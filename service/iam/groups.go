package iamapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/protocol/query"
)

type group struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate string
}

func groupOf(g *trustgate.Group) group {
	return group{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN(), CreateDate: isoTime(g.CreatedAt)}
}

func (s *Service) createGroup(ctx context.Context, c *Call) (any, *query.Error) {
	n, err := name(c, "GroupName", 128)
	if err != nil {
		return nil, err
	}
	p, err := path(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "iam:CreateGroup", arnOf(c, trustgate.GroupEntity, p, n)); err != nil {
		return nil, err
	}
	g := &trustgate.Group{Account: c.Principal.Account, Name: n, ID: ids.Unique(ids.Group), Path: p, CreatedAt: s.now()}
	if e := s.store.CreateGroup(ctx, g); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "Group with name %s already exists.", n)
		}
		return nil, internal(e)
	}
	return struct{ Group group }{groupOf(g)}, nil
}

// targetGroup resolves the GroupName parameter and authorizes action on it.
func (s *Service) targetGroup(ctx context.Context, c *Call, action string) (*trustgate.Group, *query.Error) {
	n, err := name(c, "GroupName", 128)
	if err != nil {
		return nil, err
	}
	return resolve(s, ctx, c, action, trustgate.GroupEntity, n, s.store.Group)
}

func (s *Service) getGroup(ctx context.Context, c *Call) (any, *query.Error) {
	g, err := s.targetGroup(ctx, c, "iam:GetGroup")
	if err != nil {
		return nil, err
	}
	members, e := s.store.GroupMembers(ctx, g.Account, g.Name)
	if e != nil {
		return nil, internal(e)
	}
	out := struct {
		Group group
		Users struct {
			Member []user `xml:"member"`
		}
		IsTruncated bool
	}{Group: groupOf(g)}
	for _, u := range members {
		out.Users.Member = append(out.Users.Member, userOf(u))
	}
	return out, nil
}

func (s *Service) deleteGroup(ctx context.Context, c *Call) (any, *query.Error) {
	g, err := s.targetGroup(ctx, c, "iam:DeleteGroup")
	if err != nil {
		return nil, err
	}
	if e := s.store.DeleteGroup(ctx, g.Account, g.Name); e != nil {
		return nil, storeError(e, "group with name "+g.Name)
	}
	return nil, nil
}

// membership resolves the group and user of AddUserToGroup and
// RemoveUserFromGroup; the action is authorized on the group.
func (s *Service) membership(ctx context.Context, c *Call, action string) (*trustgate.Group, string, *query.Error) {
	userName, err := name(c, "UserName", 64)
	if err != nil {
		return nil, "", err
	}
	g, err := s.targetGroup(ctx, c, action)
	if err != nil {
		return nil, "", err
	}
	u, e := s.store.User(ctx, c.Principal.Account, userName)
	if e != nil {
		return nil, "", storeError(e, "user with name "+userName)
	}
	return g, u.Name, nil
}

func (s *Service) addUserToGroup(ctx context.Context, c *Call) (any, *query.Error) {
	g, userName, err := s.membership(ctx, c, "iam:AddUserToGroup")
	if err != nil {
		return nil, err
	}
	if e := s.store.AddUserToGroup(ctx, g.Account, g.Name, userName); e != nil {
		return nil, storeError(e, "user with name "+userName)
	}
	return nil, nil
}

func (s *Service) removeUserFromGroup(ctx context.Context, c *Call) (any, *query.Error) {
	g, userName, err := s.membership(ctx, c, "iam:RemoveUserFromGroup")
	if err != nil {
		return nil, err
	}
	if e := s.store.RemoveUserFromGroup(ctx, g.Account, g.Name, userName); e != nil {
		return nil, storeError(e, "user "+userName+" in group "+g.Name)
	}
	return nil, nil
}

func (s *Service) listGroupsForUser(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:ListGroupsForUser", false)
	if err != nil {
		return nil, err
	}
	all, e := s.store.GroupsForUser(ctx, u.Account, u.Name)
	if e != nil {
		return nil, internal(e)
	}
	groups, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		Groups struct {
			Member []group `xml:"member"`
		}
		page
	}{page: pg}
	for _, g := range groups {
		out.Groups.Member = append(out.Groups.Member, groupOf(g))
	}
	return out, nil
}

func (s *Service) listGroups(ctx context.Context, c *Call) (any, *query.Error) {
	prefix, perr := pathPrefix(c)
	if perr != nil {
		return nil, perr
	}
	if err := s.authorize(ctx, c, "iam:ListGroups", arnOf(c, trustgate.GroupEntity, "/", "")); err != nil {
		return nil, err
	}
	all, e := s.store.Groups(ctx, c.Principal.Account, prefix)
	if e != nil {
		return nil, internal(e)
	}
	groups, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		Groups struct {
			Member []group `xml:"member"`
		}
		page
	}{page: pg}
	for _, g := range groups {
		out.Groups.Member = append(out.Groups.Member, groupOf(g))
	}
	return out, nil
}

// updateGroup renames a group or moves it to another path, with
// iam:UpdateGroup on the group as it is and as it will be (note 40).
func (s *Service) updateGroup(ctx context.Context, c *Call) (any, *query.Error) {
	g, err := s.targetGroup(ctx, c, "iam:UpdateGroup")
	if err != nil {
		return nil, err
	}
	moved := *g
	if c.Request.Has("NewGroupName") {
		if moved.Name, err = name(c, "NewGroupName", 128); err != nil {
			return nil, err
		}
	}
	if c.Request.Has("NewPath") {
		if moved.Path, err = newPath(c); err != nil {
			return nil, err
		}
	}
	if moved.Name != g.Name || c.Request.Has("NewPath") {
		if err := s.authorize(ctx, c, "iam:UpdateGroup", moved.ARN()); err != nil {
			return nil, err
		}
	}
	// Only what the call names changes: a rename at once with a move keeps
	// both (see store.Store).
	e := s.store.UpdateGroup(ctx, g.Account, g.Name, func(cur *trustgate.Group) error {
		if cur.ID != g.ID {
			return trustgate.ErrNotFound // deleted and made again since
		}
		if c.Request.Has("NewGroupName") {
			cur.Name = moved.Name
		}
		if c.Request.Has("NewPath") {
			cur.Path = moved.Path
		}
		return nil
	})
	if errors.Is(e, trustgate.ErrConflict) {
		return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "Group with name %s already exists.", moved.Name)
	}
	return nil, storeErrorOr(e, "group with name "+g.Name)
}
