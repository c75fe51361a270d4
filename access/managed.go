package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/policy"
)

// ManagedPolicy returns a managed policy by ARN, compiled: an AWS managed
// policy, or the default version of a customer managed one. A policy that
// no longer exists (a managed session policy deleted after the session
// began) grants nothing, as in AWS, so a session it limited stays limited.
func (c *Checker) ManagedPolicy(ctx context.Context, arn string) (*policy.Policy, error) {
	if strings.HasPrefix(arn, managed.IAMPrefix) {
		if p, ok := managed.Lookup(arn); ok && p.Kind == policy.Identity {
			return p.Compiled, nil
		}
		return grantsNothing(arn), nil
	}
	p, hit, generation, counts := cached(c, managedPolicies, arn)
	if hit {
		return p, nil
	}
	v, err := c.store.PolicyVersion(ctx, arn, "")
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		p = grantsNothing(arn)
	case err != nil:
		return nil, err
	default:
		if p, err = c.compile(v.Document, policy.Identity, arn); err != nil {
			return nil, err
		}
	}
	if counts {
		remember(c, managedPolicies, arn, p, generation)
	}
	return p, nil
}

// grantsNothing stands for a missing managed policy: it allows no action.
func grantsNothing(arn string) *policy.Policy {
	return policy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}`,
		policy.Identity, fmt.Sprintf("%s (which does not exist)", arn))
}

// deniesAll stands for a principal that no longer exists: it denies every
// action explicitly, which no allow anywhere overrides.
func deniesAll(name string) *policy.Policy {
	return policy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`, policy.Identity, name)
}
