package iamapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/store"
)

// user is the User element of IAM's responses.
type user struct {
	Path       string
	UserName   string
	UserId     string
	Arn        string
	CreateDate string
	// PermissionsBoundary is in GetUser's answer only, as in IAM.
	PermissionsBoundary *boundaryElement `xml:",omitempty"`
	Tags                *tagList         `xml:"Tags,omitempty"`
}

// boundaryElement is the PermissionsBoundary element of a user or role.
type boundaryElement struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func boundaryOf(arn string) *boundaryElement {
	if arn == "" {
		return nil
	}
	return &boundaryElement{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

func userOf(u *trustgate.User) user {
	return user{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.CreatedAt), Tags: tagsOf(u.Tags)}
}

func (s *Service) createUser(ctx context.Context, c *Call) (any, *query.Error) {
	n, err := name(c, "UserName", 64)
	if err != nil {
		return nil, err
	}
	p, err := path(c)
	if err != nil {
		return nil, err
	}
	tg, err := tags(c, "TagsPerUser")
	if err != nil {
		return nil, err
	}
	u := &trustgate.User{Account: c.Principal.Account, Name: n, ID: ids.Unique(ids.User), Path: p, Tags: tg, CreatedAt: s.now()}
	if u.Boundary, err = boundaryParam(c, false); err != nil {
		return nil, err
	}
	if err := s.authorizeCreate(ctx, c, "iam:CreateUser", "iam:TagUser", u.ARN(), tg); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, c, u.Boundary); err != nil {
		return nil, err
	}
	if e := s.store.CreateUser(ctx, u); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "User with name %s already exists.", n)
		}
		return nil, internal(e)
	}
	return struct{ User user }{userOf(u)}, nil
}

// targetUser resolves the UserName parameter, defaulting to the caller
// (an IAM user acting on itself), and authorizes action on it.
func (s *Service) targetUser(ctx context.Context, c *Call, action string, optional bool) (*trustgate.User, *query.Error) {
	n := c.Request.Get("UserName")
	if n == "" && optional && c.Principal.Kind == policy.User {
		n = c.Principal.UserName
	}
	if n == "" {
		return nil, query.MissingParameter("UserName")
	}
	if err := checkName(n, "UserName", 64); err != nil {
		return nil, err
	}
	return resolve(s, ctx, c, action, trustgate.UserEntity, n, s.store.User)
}

func (s *Service) getUser(ctx context.Context, c *Call) (any, *query.Error) {
	if c.Request.Get("UserName") == "" && c.Principal.Kind == policy.Root {
		// GetUser with no name describes the caller; for root, the account,
		// made when the account was.
		a, err := s.store.Account(ctx, c.Principal.Account)
		if err != nil {
			return nil, internal(err)
		}
		return struct{ User user }{user{Path: "/", UserId: c.Principal.Account, Arn: c.Principal.ARN, CreateDate: isoTime(a.CreatedAt)}}, nil
	}
	u, err := s.targetUser(ctx, c, "iam:GetUser", true)
	if err != nil {
		return nil, err
	}
	out := userOf(u)
	out.PermissionsBoundary = boundaryOf(u.Boundary)
	return struct{ User user }{out}, nil
}

func (s *Service) listUsers(ctx context.Context, c *Call) (any, *query.Error) {
	prefix, perr := pathPrefix(c)
	if perr != nil {
		return nil, perr
	}
	if err := s.authorize(ctx, c, "iam:ListUsers", arnOf(c, trustgate.UserEntity, "/", "")); err != nil {
		return nil, err
	}
	all, e := s.store.Users(ctx, c.Principal.Account, prefix)
	if e != nil {
		return nil, internal(e)
	}
	users, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users struct {
			Member []user `xml:"member"`
		}
		page
	}{page: pg}
	for _, u := range users {
		out.Users.Member = append(out.Users.Member, userOf(u))
	}
	return out, nil
}

func (s *Service) deleteUser(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:DeleteUser", false)
	if err != nil {
		return nil, err
	}
	if e := s.replacePrincipal(ctx, u.ARN(), u.ID, func(tx store.Store) error {
		return tx.DeleteUser(ctx, u.Account, u.Name)
	}); e != nil {
		return nil, storeError(e, "user with name "+u.Name)
	}
	return nil, nil
}

// updateUser renames a user or moves it to another path. As in IAM, the
// caller needs iam:UpdateUser on the user as it is and as it will be.
func (s *Service) updateUser(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:UpdateUser", false)
	if err != nil {
		return nil, err
	}
	moved := *u
	if c.Request.Has("NewUserName") {
		if moved.Name, err = name(c, "NewUserName", 64); err != nil {
			return nil, err
		}
	}
	if c.Request.Has("NewPath") {
		if moved.Path, err = newPath(c); err != nil {
			return nil, err
		}
	}
	if moved.Name != u.Name || c.Request.Has("NewPath") {
		if err := s.authorize(ctx, c, "iam:UpdateUser", moved.ARN()); err != nil {
			return nil, err
		}
	}
	// Only what the call names changes: a rename at once with a move keeps
	// both.
	change := func(cur *trustgate.User) *query.Error {
		if c.Request.Has("NewUserName") {
			cur.Name = moved.Name
		}
		if c.Request.Has("NewPath") {
			cur.Path = moved.Path
		}
		return nil
	}
	if moved.ARN() == u.ARN() {
		return nil, s.changeUser(ctx, u, change)
	}
	// The policies that name the user follow it in the same transaction.
	var refused *query.Error
	if e := s.replacePrincipal(ctx, u.ARN(), moved.ARN(), func(tx store.Store) error {
		refused = changeUserIn(ctx, tx, u, change)
		return asError(refused)
	}); e != nil {
		if refused != nil {
			return nil, refused
		}
		return nil, internal(e)
	}
	return nil, nil
}

// changeUser applies change to user u as it is stored by now, in one step
// (see store.Store), so that changes made at once to one user all hold.
// A user deleted and made again under u's name since is not u: the
// change fails as for a user that is gone.
func (s *Service) changeUser(ctx context.Context, u *trustgate.User, change func(*trustgate.User) *query.Error) *query.Error {
	return changeUserIn(ctx, s.store, u, change)
}

// changeUserIn is changeUser through st.
func changeUserIn(ctx context.Context, st store.Store, u *trustgate.User, change func(*trustgate.User) *query.Error) *query.Error {
	newName := u.Name
	err := st.UpdateUser(ctx, u.Account, u.Name, func(cur *trustgate.User) error {
		if cur.ID != u.ID {
			return trustgate.ErrNotFound
		}
		err := change(cur)
		newName = cur.Name
		return asError(err)
	})
	if errors.Is(err, trustgate.ErrConflict) { // the store's word for a name taken
		return query.Errorf(http.StatusConflict, "EntityAlreadyExists", "User with name %s already exists.", newName)
	}
	return answer(err, "user with name "+u.Name)
}

func (s *Service) putUserPermissionsBoundary(ctx context.Context, c *Call) (any, *query.Error) {
	boundary, err := boundaryParam(c, true)
	if err != nil {
		return nil, err
	}
	u, err := s.targetUser(ctx, c, "iam:PutUserPermissionsBoundary", false)
	if err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, c, boundary); err != nil {
		return nil, err
	}
	return nil, s.changeUser(ctx, u, func(cur *trustgate.User) *query.Error {
		cur.Boundary = boundary
		return nil
	})
}

func (s *Service) deleteUserPermissionsBoundary(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:DeleteUserPermissionsBoundary", false)
	if err != nil {
		return nil, err
	}
	return nil, s.changeUser(ctx, u, func(cur *trustgate.User) *query.Error {
		if cur.Boundary == "" {
			return query.Errorf(http.StatusNotFound, "NoSuchEntity", "The user %s has no permissions boundary.", cur.Name)
		}
		cur.Boundary = ""
		return nil
	})
}

func (s *Service) tagUser(ctx context.Context, c *Call) (any, *query.Error) {
	added, err := tags(c, "TagsPerUser")
	if err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return nil, query.MissingParameter("Tags")
	}
	setRequestTags(c, added)
	u, err := s.targetUser(ctx, c, "iam:TagUser", false)
	if err != nil {
		return nil, err
	}
	return nil, s.changeUser(ctx, u, func(cur *trustgate.User) (err *query.Error) {
		cur.Tags, err = mergeTags(cur.Tags, added, "TagsPerUser")
		return err
	})
}

func (s *Service) untagUser(ctx context.Context, c *Call) (any, *query.Error) {
	keys := c.Request.Members("TagKeys")
	if len(keys) == 0 {
		return nil, query.MissingParameter("TagKeys")
	}
	c.setKey("aws:TagKeys", keys...)
	u, err := s.targetUser(ctx, c, "iam:UntagUser", false)
	if err != nil {
		return nil, err
	}
	return nil, s.changeUser(ctx, u, func(cur *trustgate.User) *query.Error {
		cur.Tags = withoutTags(cur.Tags, keys)
		return nil
	})
}

func (s *Service) listUserTags(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:ListUserTags", false)
	if err != nil {
		return nil, err
	}
	return tagPage(c, u.Tags)
}

// newPath reads the NewPath parameter of UpdateUser and UpdateGroup.
func newPath(c *Call) (string, *query.Error) {
	p := c.Request.Get("NewPath")
	if len(p) < 1 || len(p) > 512 || !pathPattern.MatchString(p) {
		return "", query.InvalidMember(p, "newPath", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return p, nil
}
