package access

import (
	"context"

	"github.com/trustgate/trustgate/policy"
)

// ManagedPolicy returns a managed policy, compiled, by ARN: what IAM's
// policy simulator evaluates for the policies attached to an entity.
func (c *Checker) ManagedPolicy(ctx context.Context, arn string) (*policy.Policy, error) {
	return c.managedPolicy(arn)
}
