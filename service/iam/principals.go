package iamapi

import (
	"context"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/store"
)

// replacePrincipal runs op, which renames or deletes the user or role
// whose ARN is from, and renamePrincipal in one transaction, so that no
// policy names from once op is done, not even after a crash between the
// two or to a request made meanwhile. op's error is returned as it is.
func (s *Service) replacePrincipal(ctx context.Context, from, to string, op func(store.Store) error) error {
	return s.store.Atomically(ctx, func(tx store.Store) error {
		if err := op(tx); err != nil {
			return err
		}
		return renamePrincipal(ctx, tx, from, to)
	})
}

// renamePrincipal rewrites every trust policy and bucket policy that names
// the principal from, in any account, to name to instead (note 53). IAM
// keeps the users and roles a policy names by their unique ids: a policy
// follows its user through a rename, and names the unique id of a user
// or role once it is deleted, so that no entity made later under the same
// name is trusted by it.
func renamePrincipal(ctx context.Context, st store.Store, from, to string) error {
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		roles, err := st.Roles(ctx, a.ID, "/")
		if err != nil {
			return err
		}
		for _, r := range roles {
			if _, ok := policy.RenamePrincipal(r.TrustPolicy, from, to); !ok {
				continue
			}
			if err := st.UpdateRole(ctx, r.Account, r.Name, func(cur *trustgate.Role) error {
				cur.TrustPolicy, _ = policy.RenamePrincipal(cur.TrustPolicy, from, to)
				return nil
			}); err != nil {
				return err
			}
		}
		buckets, err := st.Buckets(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, b := range buckets {
			if _, ok := policy.RenamePrincipal(b.Policy, from, to); !ok {
				continue
			}
			if err := st.UpdateBucket(ctx, b.Name, func(cur *trustgate.Bucket) error {
				cur.Policy, _ = policy.RenamePrincipal(cur.Policy, from, to)
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
