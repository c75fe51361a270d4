package iamapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// user is the User element of IAM's responses.
type user struct {
	Path       string
	UserName   string
	UserId     string
	Arn        string
	CreateDate string
	Tags       *tagList `xml:"Tags,omitempty"`
}

type tagList struct {
	Member []trustgate.Tag `xml:"member"`
}

func tagsOf(tags []trustgate.Tag) *tagList {
	if len(tags) == 0 {
		return nil
	}
	return &tagList{Member: tags}
}

func userOf(u *trustgate.User) user {
	return user{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.CreatedAt), Tags: tagsOf(u.Tags)}
}

// tags reads Tags.member.N.Key / .Value.
func tags(c *Call) ([]trustgate.Tag, *query.Error) {
	var out []trustgate.Tag
	for i := 1; ; i++ {
		prefix := "Tags.member." + strconv.Itoa(i)
		if !c.Request.Has(prefix + ".Key") {
			break
		}
		t := trustgate.Tag{Key: c.Request.Get(prefix + ".Key"), Value: c.Request.Get(prefix + ".Value")}
		if len(t.Key) < 1 || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, validationError(t.Key, "tags."+strconv.Itoa(i)+".member.key", "Member must have length between 1 and 128, and values at most 256")
		}
		out = append(out, t)
	}
	if len(out) > 50 {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50")
	}
	return out, nil
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
	tg, err := tags(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "iam:CreateUser", arnOf(c, trustgate.UserEntity, p, n)); err != nil {
		return nil, err
	}
	u := &trustgate.User{Account: c.Principal.Account, Name: n, ID: ids.Unique(ids.User), Path: p, Tags: tg, CreatedAt: s.now()}
	if b := c.Request.Get("PermissionsBoundary"); b != "" {
		if !s.managed(b) {
			return nil, query.Errorf(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", b)
		}
		u.Boundary = b
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
		// GetUser with no name describes the caller; for root, the account.
		return struct{ User user }{user{Path: "/", UserId: c.Principal.Account, Arn: c.Principal.ARN, CreateDate: isoTime(time.Time{})}}, nil
	}
	u, err := s.targetUser(ctx, c, "iam:GetUser", true)
	if err != nil {
		return nil, err
	}
	return struct{ User user }{userOf(u)}, nil
}

func (s *Service) listUsers(ctx context.Context, c *Call) (any, *query.Error) {
	prefix := c.Request.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
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
	if e := s.store.DeleteUser(ctx, u.Account, u.Name); e != nil {
		return nil, storeError(e, "user with name "+u.Name)
	}
	return nil, nil
}
