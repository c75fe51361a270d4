package access

import (
	"context"
	"errors"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/policy"
)

// UnknownPrincipal returns the first IAM user or role that p names as a
// principal and that does not exist, "" when every one does (note 53).
// IAM and S3 refuse such a policy when it is saved, as AWS resolves each
// named user and role then. Only the accounts trustgate holds are looked
// in: a principal of any other account is taken as written.
func (c *Checker) UnknownPrincipal(ctx context.Context, p *policy.Policy) (string, error) {
	for _, st := range p.Statements {
		if st.Principal == nil {
			continue
		}
		for _, value := range st.Principal.AWS {
			exists, err := c.principalExists(ctx, value)
			if err != nil {
				return "", err
			}
			if !exists {
				return value, nil
			}
		}
	}
	return "", nil
}

// principalExists reports whether an AWS principal names an entity that
// exists, or one that is not an IAM user or role of a held account.
func (c *Checker) principalExists(ctx context.Context, value string) (bool, error) {
	a, ok := arn.Split(value)
	if !ok || a.Service != "iam" {
		return true, nil
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if kind != "user" && kind != "role" {
		return true, nil
	}
	if _, err := c.store.Account(ctx, a.Account); errors.Is(err, trustgate.ErrNotFound) {
		return true, nil
	} else if err != nil {
		return false, err
	}
	name := rest[strings.LastIndex(rest, "/")+1:]
	var found string // the ARN of the entity of that name, path and all
	switch kind {
	case "user":
		u, err := c.store.User(ctx, a.Account, name)
		if err == nil {
			found = u.ARN()
		} else if !errors.Is(err, trustgate.ErrNotFound) {
			return false, err
		}
	case "role":
		r, err := c.store.Role(ctx, a.Account, name)
		if err == nil {
			found = r.ARN()
		} else if !errors.Is(err, trustgate.ErrNotFound) {
			return false, err
		}
	}
	// Exactly: policies match principals by their exact ARN, so one
	// spelled in other capitals would name no one.
	return found != "" && found == value, nil
}
