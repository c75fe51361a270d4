package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
)

// policySet is what a user or role brings to every request it makes: its
// identity policies (a user's with its groups'), compiled, its boundary
// and its tags.
type policySet struct {
	found    bool // false once the user or role is gone: no policy allows
	identity []*policy.Policy
	boundary *policy.Policy
	tags     []trustgate.Tag
}

// memo keeps policy sets and customer managed policies read from the
// store while its generation stays the same.
type memo struct {
	generation uint64
	sets       map[trustgate.Entity]*policySet // names lower-cased: IAM names are case-insensitive
	managed    map[string]*policy.Policy       // by ARN
	org        map[string]*orgView             // one entry, under "": the organization
}

// cached looks up what the memo holds for the store's current generation.
// It returns the generation to remember a loaded value under, and false
// when the store does not count its changes.
func cached[K comparable, V any](c *Checker, pick func(*memo) map[K]V, key K) (v V, hit bool, generation uint64, counts bool) {
	if c.changes == nil {
		return v, false, 0, false
	}
	generation = c.changes.Generation()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.memo.generation == generation {
		v, hit = pick(&c.memo)[key]
	}
	return v, hit, generation, true
}

// remember keeps v, loaded while the store was at generation, unless the
// store has changed since: then v may predate the change.
func remember[K comparable, V any](c *Checker, pick func(*memo) map[K]V, key K, v V, generation uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes.Generation() != generation {
		return
	}
	if c.memo.generation != generation || c.memo.sets == nil {
		c.memo = memo{generation: generation, sets: map[trustgate.Entity]*policySet{}, managed: map[string]*policy.Policy{}, org: map[string]*orgView{}}
	}
	m := pick(&c.memo)
	if len(m) >= maxCompiled {
		clear(m)
	}
	m[key] = v
}

func sets(m *memo) map[trustgate.Entity]*policySet      { return m.sets }
func managedPolicies(m *memo) map[string]*policy.Policy { return m.managed }
func organizations(m *memo) map[string]*orgView         { return m.org }

// policySet returns the policy set of a user or role, from the memo when
// the store has not changed since it was read.
func (c *Checker) policySet(ctx context.Context, e trustgate.Entity) (*policySet, error) {
	key := e
	key.Name = strings.ToLower(e.Name)
	set, hit, generation, counts := cached(c, sets, key)
	if hit {
		return set, nil
	}
	set, err := c.loadPolicySet(ctx, e)
	if err != nil {
		return nil, err
	}
	if counts {
		remember(c, sets, key, set, generation)
	}
	return set, nil
}

// loadPolicySet reads a user's or role's policy set from the store.
func (c *Checker) loadPolicySet(ctx context.Context, e trustgate.Entity) (*policySet, error) {
	set := &policySet{}
	var entities []trustgate.Entity
	var boundary string
	switch e.Kind {
	case trustgate.UserEntity:
		u, err := c.store.User(ctx, e.Account, e.Name)
		if errors.Is(err, trustgate.ErrNotFound) {
			return set, nil // deleted or renamed under a live session
		}
		if err != nil {
			return nil, err
		}
		boundary, set.tags = u.Boundary, u.Tags
		entities = append(entities, trustgate.Entity{Account: e.Account, Kind: trustgate.UserEntity, Name: u.Name})
		groups, err := c.store.GroupsForUser(ctx, e.Account, u.Name)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			entities = append(entities, trustgate.Entity{Account: e.Account, Kind: trustgate.GroupEntity, Name: g.Name})
		}
	case trustgate.RoleEntity:
		role, err := c.store.Role(ctx, e.Account, e.Name)
		if errors.Is(err, trustgate.ErrNotFound) {
			return set, nil // the session's role is gone, and its permissions with it
		}
		if err != nil {
			return nil, fmt.Errorf("the session's role: %w", err)
		}
		boundary, set.tags = role.Boundary, role.Tags
		entities = append(entities, trustgate.Entity{Account: e.Account, Kind: trustgate.RoleEntity, Name: role.Name})
	default:
		return nil, fmt.Errorf("no policy set for a %s", e.Kind)
	}
	set.found = true
	for _, e := range entities {
		inline, err := c.store.InlinePolicies(ctx, e)
		if err != nil {
			return nil, err
		}
		for _, ip := range inline {
			pol, err := c.compile(ip.Document, policy.Identity, fmt.Sprintf("inline policy %s of %s %s", ip.Name, e.Kind, e.Name))
			if err != nil {
				return nil, err
			}
			set.identity = append(set.identity, pol)
		}
		arns, err := c.store.AttachedPolicies(ctx, e)
		if err != nil {
			return nil, err
		}
		for _, a := range arns {
			pol, err := c.ManagedPolicy(ctx, a)
			if err != nil {
				return nil, err
			}
			set.identity = append(set.identity, pol)
		}
	}
	if boundary != "" {
		pol, err := c.ManagedPolicy(ctx, boundary)
		if err != nil {
			return nil, err
		}
		set.boundary = pol
	}
	return set, nil
}
