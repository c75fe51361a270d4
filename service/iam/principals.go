package iamapi

import (
	"context"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// renamePrincipal rewrites every trust policy and bucket policy that names
// the principal from, in any account, to name to instead (note 53). IAM
// keeps the users and roles a policy names by their unique ids: a policy
// follows its user through a rename, and names the unique id of a user
// or role once it is deleted, so that no entity made later under the same
// name is trusted by it.
func (s *Service) renamePrincipal(ctx context.Context, from, to string) error {
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		roles, err := s.store.Roles(ctx, a.ID, "/")
		if err != nil {
			return err
		}
		for _, r := range roles {
			if _, ok := policy.RenamePrincipal(r.TrustPolicy, from, to); !ok {
				continue
			}
			if err := s.store.UpdateRole(ctx, r.Account, r.Name, func(cur *trustgate.Role) error {
				cur.TrustPolicy, _ = policy.RenamePrincipal(cur.TrustPolicy, from, to)
				return nil
			}); err != nil {
				return err
			}
		}
		buckets, err := s.store.Buckets(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, b := range buckets {
			if _, ok := policy.RenamePrincipal(b.Policy, from, to); !ok {
				continue
			}
			if err := s.store.UpdateBucket(ctx, b.Name, func(cur *trustgate.Bucket) error {
				cur.Policy, _ = policy.RenamePrincipal(cur.Policy, from, to)
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
