package cache

import (
	"context"

	"github.com/trustgate/trustgate"
)

// Generation implements store.Changes: every write through the cache that
// can change a principal's policies adds one, once the write is done.
func (s *Store) Generation() uint64 { return s.generation.Load() }

// changed marks a write that can change a principal's policies.
func (s *Store) changed() { s.generation.Add(1) }

// CreateUser implements store.Store; a user of a deleted one's name has
// none of its policies.
func (s *Store) CreateUser(ctx context.Context, u *trustgate.User) error {
	defer s.changed()
	return s.Store.CreateUser(ctx, u)
}

// CreateGroup implements store.Store.
func (s *Store) CreateGroup(ctx context.Context, g *trustgate.Group) error {
	defer s.changed()
	return s.Store.CreateGroup(ctx, g)
}

// UpdateGroup implements store.Store.
func (s *Store) UpdateGroup(ctx context.Context, account, name string, change func(*trustgate.Group) error) error {
	defer s.changed()
	return s.Store.UpdateGroup(ctx, account, name, change)
}

// DeleteGroup implements store.Store.
func (s *Store) DeleteGroup(ctx context.Context, account, name string) error {
	defer s.changed()
	return s.Store.DeleteGroup(ctx, account, name)
}

// AddUserToGroup implements store.Store.
func (s *Store) AddUserToGroup(ctx context.Context, account, group, user string) error {
	defer s.changed()
	return s.Store.AddUserToGroup(ctx, account, group, user)
}

// RemoveUserFromGroup implements store.Store.
func (s *Store) RemoveUserFromGroup(ctx context.Context, account, group, user string) error {
	defer s.changed()
	return s.Store.RemoveUserFromGroup(ctx, account, group, user)
}

// CreateRole implements store.Store.
func (s *Store) CreateRole(ctx context.Context, r *trustgate.Role) error {
	defer s.changed()
	return s.Store.CreateRole(ctx, r)
}

// UpdateRole implements store.Store.
func (s *Store) UpdateRole(ctx context.Context, account, name string, change func(*trustgate.Role) error) error {
	defer s.changed()
	defer s.forgetRole(account, name)
	return s.Store.UpdateRole(ctx, account, name, change)
}

// DeleteRole implements store.Store.
func (s *Store) DeleteRole(ctx context.Context, account, name string) error {
	defer s.changed()
	defer s.forgetRole(account, name)
	return s.Store.DeleteRole(ctx, account, name)
}

// PutInlinePolicy implements store.Store.
func (s *Store) PutInlinePolicy(ctx context.Context, e trustgate.Entity, p trustgate.InlinePolicy) error {
	defer s.changed()
	return s.Store.PutInlinePolicy(ctx, e, p)
}

// DeleteInlinePolicy implements store.Store.
func (s *Store) DeleteInlinePolicy(ctx context.Context, e trustgate.Entity, name string) error {
	defer s.changed()
	return s.Store.DeleteInlinePolicy(ctx, e, name)
}

// AttachPolicy implements store.Store.
func (s *Store) AttachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error {
	defer s.changed()
	return s.Store.AttachPolicy(ctx, e, policyARN)
}

// DetachPolicy implements store.Store.
func (s *Store) DetachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error {
	defer s.changed()
	return s.Store.DetachPolicy(ctx, e, policyARN)
}

// CreateManagedPolicy implements store.Store; a session may name the
// policy before it exists.
func (s *Store) CreateManagedPolicy(ctx context.Context, p *trustgate.ManagedPolicy, document string) error {
	defer s.changed()
	return s.Store.CreateManagedPolicy(ctx, p, document)
}

// DeleteManagedPolicy implements store.Store.
func (s *Store) DeleteManagedPolicy(ctx context.Context, arn string) error {
	defer s.changed()
	return s.Store.DeleteManagedPolicy(ctx, arn)
}

// CreatePolicyVersion implements store.Store.
func (s *Store) CreatePolicyVersion(ctx context.Context, arn string, v *trustgate.PolicyVersion, maxVersions int) error {
	defer s.changed()
	return s.Store.CreatePolicyVersion(ctx, arn, v, maxVersions)
}

// SetDefaultPolicyVersion implements store.Store.
func (s *Store) SetDefaultPolicyVersion(ctx context.Context, arn, id string) error {
	defer s.changed()
	return s.Store.SetDefaultPolicyVersion(ctx, arn, id)
}

// DeletePolicyVersion implements store.Store.
func (s *Store) DeletePolicyVersion(ctx context.Context, arn, id string) error {
	defer s.changed()
	return s.Store.DeletePolicyVersion(ctx, arn, id)
}

// The organization's structure and policies are in every decision of a
// member account (SCPs, RCPs, aws:PrincipalOrgPaths).

// CreateAccount implements store.Store.
func (s *Store) CreateAccount(ctx context.Context, a *trustgate.Account) error {
	defer s.changed()
	return s.Store.CreateAccount(ctx, a)
}

// CreateMemberAccount implements store.Store.
func (s *Store) CreateMemberAccount(ctx context.Context, m *trustgate.MemberAccount) error {
	defer s.changed()
	return s.Store.CreateMemberAccount(ctx, m)
}

// MoveAccount implements store.Store.
func (s *Store) MoveAccount(ctx context.Context, id, from, to string) error {
	defer s.changed()
	return s.Store.MoveAccount(ctx, id, from, to)
}

// SetPolicyTypes implements store.Store.
func (s *Store) SetPolicyTypes(ctx context.Context, types []string) error {
	defer s.changed()
	return s.Store.SetPolicyTypes(ctx, types)
}

// CreateOU implements store.Store.
func (s *Store) CreateOU(ctx context.Context, ou *trustgate.OrganizationalUnit) error {
	defer s.changed()
	return s.Store.CreateOU(ctx, ou)
}

// DeleteOU implements store.Store.
func (s *Store) DeleteOU(ctx context.Context, id string) error {
	defer s.changed()
	return s.Store.DeleteOU(ctx, id)
}

// CreateOrgPolicy implements store.Store.
func (s *Store) CreateOrgPolicy(ctx context.Context, p *trustgate.OrgPolicy) error {
	defer s.changed()
	return s.Store.CreateOrgPolicy(ctx, p)
}

// UpdateOrgPolicy implements store.Store.
func (s *Store) UpdateOrgPolicy(ctx context.Context, id string, change func(*trustgate.OrgPolicy) error) error {
	defer s.changed()
	return s.Store.UpdateOrgPolicy(ctx, id, change)
}

// DeleteOrgPolicy implements store.Store.
func (s *Store) DeleteOrgPolicy(ctx context.Context, id string) error {
	defer s.changed()
	return s.Store.DeleteOrgPolicy(ctx, id)
}

// AttachOrgPolicy implements store.Store.
func (s *Store) AttachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error {
	defer s.changed()
	return s.Store.AttachOrgPolicy(ctx, a)
}

// DetachOrgPolicy implements store.Store.
func (s *Store) DetachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error {
	defer s.changed()
	return s.Store.DetachOrgPolicy(ctx, a)
}
