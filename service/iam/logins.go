package iamapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/protocol/query"
)

type loginProfile struct {
	UserName              string
	CreateDate            string
	PasswordResetRequired bool
}

func loginProfileOf(p *trustgate.LoginProfile) loginProfile {
	return loginProfile{UserName: p.UserName, CreateDate: isoTime(p.CreatedAt), PasswordResetRequired: p.ResetRequired}
}

// passwordSymbols are the symbols IAM's password policy counts.
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

// checkPassword applies the default AWS password policy, which holds in an
// account without a password policy of its own (note 41): at least 8
// characters, of at least three kinds among upper case, lower case,
// digits and symbols, and not the user's name.
func checkPassword(password, userName string) *query.Error {
	if n := utf8.RuneCountInString(password); n < 1 || n > 128 {
		return query.InvalidMember("*****", "password", "Member must have length between 1 and 128")
	}
	for _, r := range password {
		if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r > 0xff) {
			return query.InvalidMember("*****", "password", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
		}
	}
	var upper, lower, digit, symbol int
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		case strings.ContainsRune(passwordSymbols, r):
			symbol = 1
		}
	}
	if utf8.RuneCountInString(password) < 8 || upper+lower+digit+symbol < 3 || strings.EqualFold(password, userName) {
		return query.Errorf(http.StatusBadRequest, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
	}
	return nil
}

// hashPassword keeps a password only as a bcrypt hash of its SHA-256:
// bcrypt reads 72 bytes at most, and IAM passwords may have 128
// characters, some of two bytes.
func hashPassword(password string) (string, *query.Error) {
	sum := sha256.Sum256([]byte(password))
	h, err := bcrypt.GenerateFromPassword([]byte(base64.StdEncoding.EncodeToString(sum[:])), bcrypt.DefaultCost)
	if err != nil {
		return "", internal(err)
	}
	return string(h), nil
}

func noLoginProfile(user string) *query.Error {
	return query.Errorf(http.StatusNotFound, "NoSuchEntity", "Login Profile for User %s cannot be found.", user)
}

func (s *Service) createLoginProfile(ctx context.Context, c *Call) (any, *query.Error) {
	if !c.Request.Has("Password") {
		return nil, query.MissingParameter("Password")
	}
	u, err := s.targetUser(ctx, c, "iam:CreateLoginProfile", true)
	if err != nil {
		return nil, err
	}
	password := c.Request.Get("Password")
	if err := checkPassword(password, u.Name); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	p := &trustgate.LoginProfile{Account: u.Account, UserName: u.Name, PasswordHash: hash,
		ResetRequired: strings.EqualFold(c.Request.Get("PasswordResetRequired"), "true"), CreatedAt: s.now()}
	if e := s.store.PutLoginProfile(ctx, p, false); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "Login Profile for user %s already exists.", u.Name)
		}
		return nil, storeError(e, "user with name "+u.Name)
	}
	return struct{ LoginProfile loginProfile }{loginProfileOf(p)}, nil
}

// targetLoginProfile resolves the user an action is about, authorizes the
// action, and finds the user's login profile.
func (s *Service) targetLoginProfile(ctx context.Context, c *Call, action string, optional bool) (*trustgate.User, *trustgate.LoginProfile, *query.Error) {
	u, err := s.targetUser(ctx, c, action, optional)
	if err != nil {
		return nil, nil, err
	}
	p, e := s.store.LoginProfile(ctx, u.Account, u.Name)
	if errors.Is(e, trustgate.ErrNotFound) {
		return nil, nil, noLoginProfile(u.Name)
	}
	if e != nil {
		return nil, nil, internal(e)
	}
	return u, p, nil
}

func (s *Service) getLoginProfile(ctx context.Context, c *Call) (any, *query.Error) {
	_, p, err := s.targetLoginProfile(ctx, c, "iam:GetLoginProfile", true)
	if err != nil {
		return nil, err
	}
	return struct{ LoginProfile loginProfile }{loginProfileOf(p)}, nil
}

func (s *Service) updateLoginProfile(ctx context.Context, c *Call) (any, *query.Error) {
	u, p, err := s.targetLoginProfile(ctx, c, "iam:UpdateLoginProfile", false)
	if err != nil {
		return nil, err
	}
	if c.Request.Has("Password") {
		password := c.Request.Get("Password")
		if err := checkPassword(password, u.Name); err != nil {
			return nil, err
		}
		if p.PasswordHash, err = hashPassword(password); err != nil {
			return nil, err
		}
	}
	if c.Request.Has("PasswordResetRequired") {
		p.ResetRequired = strings.EqualFold(c.Request.Get("PasswordResetRequired"), "true")
	}
	if e := s.store.PutLoginProfile(ctx, p, true); e != nil {
		if errors.Is(e, trustgate.ErrNotFound) {
			return nil, noLoginProfile(u.Name)
		}
		return nil, internal(e)
	}
	return nil, nil
}

func (s *Service) deleteLoginProfile(ctx context.Context, c *Call) (any, *query.Error) {
	u, err := s.targetUser(ctx, c, "iam:DeleteLoginProfile", true)
	if err != nil {
		return nil, err
	}
	switch e := s.store.DeleteLoginProfile(ctx, u.Account, u.Name); {
	case errors.Is(e, trustgate.ErrNotFound):
		return nil, noLoginProfile(u.Name)
	case e != nil:
		return nil, internal(e)
	}
	return nil, nil
}
