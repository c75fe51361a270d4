// Package cache keeps the lookups every request makes (an access key and
// its user) in memory, in front of a store. Writes through the cache drop
// what they change, so a change is visible to the next request, and count
// the writes that can change a principal's policies (store.Changes), so
// that access keeps compiled policies until one comes. It serves one node:
// several nodes over one database need another way to learn of changes.
package cache

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// maxEntries bounds each map; a full map is cleared.
const maxEntries = 50000

// Store is a store.Store that caches AccessKey, User and Role.
type Store struct {
	store.Store

	mu    sync.RWMutex
	keys  map[string]trustgate.AccessKey // guarded by mu; by access key id
	users map[userKey]trustgate.User     // guarded by mu
	roles map[userKey]trustgate.Role     // guarded by mu; AssumeRole reads the role's trust policy

	generation atomic.Uint64 // see Generation
}

var _ store.Changes = (*Store)(nil)

type userKey struct{ account, name string } // name lower-cased: IAM names are case-insensitive (users and roles)

// New caches in front of st.
func New(st store.Store) *Store {
	return &Store{Store: st, keys: map[string]trustgate.AccessKey{}, users: map[userKey]trustgate.User{}, roles: map[userKey]trustgate.Role{}}
}

// AccessKey implements store.Store.
func (s *Store) AccessKey(ctx context.Context, id string) (*trustgate.AccessKey, error) {
	s.mu.RLock()
	k, ok := s.keys[id]
	s.mu.RUnlock()
	if ok {
		return &k, nil
	}
	found, err := s.Store.AccessKey(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.keys) >= maxEntries {
		clear(s.keys)
	}
	s.keys[id] = *found
	s.mu.Unlock()
	return found, nil
}

// User implements store.Store.
func (s *Store) User(ctx context.Context, account, name string) (*trustgate.User, error) {
	key := userKey{account, strings.ToLower(name)}
	s.mu.RLock()
	u, ok := s.users[key]
	s.mu.RUnlock()
	if ok {
		u.Tags = slices.Clone(u.Tags) // the caller may change its copy
		return &u, nil
	}
	found, err := s.Store.User(ctx, account, name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.users) >= maxEntries {
		clear(s.users)
	}
	cached := *found
	cached.Tags = slices.Clone(found.Tags)
	s.users[key] = cached
	s.mu.Unlock()
	return found, nil
}

func (s *Store) forgetKey(id string) {
	s.mu.Lock()
	delete(s.keys, id)
	s.mu.Unlock()
}

func (s *Store) forgetUser(account, name string) {
	s.mu.Lock()
	delete(s.users, userKey{account, strings.ToLower(name)})
	s.mu.Unlock()
}

// UpdateAccessKeyStatus implements store.Store.
func (s *Store) UpdateAccessKeyStatus(ctx context.Context, account, id, status string) error {
	defer s.forgetKey(id)
	return s.Store.UpdateAccessKeyStatus(ctx, account, id, status)
}

// DeleteAccessKey implements store.Store.
func (s *Store) DeleteAccessKey(ctx context.Context, account, id string) error {
	defer s.forgetKey(id)
	return s.Store.DeleteAccessKey(ctx, account, id)
}

// DeleteUser implements store.Store.
func (s *Store) DeleteUser(ctx context.Context, account, name string) error {
	defer s.changed()
	defer s.forgetUser(account, name)
	return s.Store.DeleteUser(ctx, account, name)
}

// UpdateUser implements store.Store. The user's cached keys name it, so a
// rename drops them too.
func (s *Store) UpdateUser(ctx context.Context, name string, u *trustgate.User) error {
	defer s.changed()
	defer func() {
		s.mu.Lock()
		delete(s.users, userKey{u.Account, strings.ToLower(name)})
		delete(s.users, userKey{u.Account, strings.ToLower(u.Name)})
		for id, k := range s.keys {
			if k.Account == u.Account && strings.EqualFold(k.UserName, name) {
				delete(s.keys, id)
			}
		}
		s.mu.Unlock()
	}()
	return s.Store.UpdateUser(ctx, name, u)
}

// Role implements store.Store.
func (s *Store) Role(ctx context.Context, account, name string) (*trustgate.Role, error) {
	key := userKey{account, strings.ToLower(name)}
	s.mu.RLock()
	r, ok := s.roles[key]
	s.mu.RUnlock()
	if ok {
		r.Tags = slices.Clone(r.Tags) // the caller may change its copy
		return &r, nil
	}
	found, err := s.Store.Role(ctx, account, name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.roles) >= maxEntries {
		clear(s.roles)
	}
	cached := *found
	cached.Tags = slices.Clone(found.Tags)
	s.roles[key] = cached
	s.mu.Unlock()
	return found, nil
}

func (s *Store) forgetRole(account, name string) {
	s.mu.Lock()
	delete(s.roles, userKey{account, strings.ToLower(name)})
	s.mu.Unlock()
}
