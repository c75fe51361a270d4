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

// Store is a store.Store that caches AccessKey, User, Role, Bucket,
// AccessPoint and Object.
type Store struct {
	store.Store

	mu    sync.RWMutex
	keys  map[string]trustgate.AccessKey // guarded by mu; by access key id
	users map[userKey]trustgate.User     // guarded by mu
	roles map[userKey]trustgate.Role     // guarded by mu; AssumeRole reads the role's trust policy
	// buckets are S3 buckets by name, and accountBlocks the accounts'
	// own Block Public Access by account id, guarded by mu.
	buckets       map[string]trustgate.Bucket
	accountBlocks map[string]accountBlock
	// accessPoints are S3 access points by alias, and accessPointNames
	// by account and name, guarded by mu: every request through one
	// reads it.
	accessPoints     map[string]trustgate.AccessPoint
	accessPointNames map[userKey]trustgate.AccessPoint
	// objects are S3 objects with their inline bodies, which add up to
	// objectBytes; both guarded by mu.
	objects     map[objectKey]trustgate.Object
	objectBytes int
	// forgets counts what the cache has dropped for a write, guarded by
	// mu: a value read from the store while it changed may predate that
	// write, and is not kept.
	forgets uint64

	generation atomic.Uint64 // see Generation

	// usesMu guards uses, apart from mu: every request records a use.
	usesMu sync.Mutex
	uses   map[string]*keyUse // by access key id
}

var _ store.Changes = (*Store)(nil)

type userKey struct{ account, name string } // name lower-cased: IAM names are case-insensitive (users and roles)

// New caches in front of st.
func New(st store.Store) *Store {
	return &Store{Store: st, keys: map[string]trustgate.AccessKey{}, users: map[userKey]trustgate.User{}, roles: map[userKey]trustgate.Role{}, uses: map[string]*keyUse{}, buckets: map[string]trustgate.Bucket{},
		accountBlocks: map[string]accountBlock{}, accessPoints: map[string]trustgate.AccessPoint{}, accessPointNames: map[userKey]trustgate.AccessPoint{},
		objects: map[objectKey]trustgate.Object{}}
}

// lookup returns a copy of m's entry for key, or reads it with load and
// keeps it, unless the cache dropped anything while it read. A full map
// starts over.
func lookup[K comparable, V any](s *Store, m map[K]V, key K, copyOf func(V) V, load func() (*V, error)) (*V, error) {
	return lookupKeeping(s, m, key, copyOf, load, keepBounded)
}

func keepBounded[K comparable, V any](_ *Store, m map[K]V, key K, v V) {
	if len(m) >= maxEntries {
		clear(m)
	}
	m[key] = v
}

// lookupKeeping is lookup with its own way to keep an entry read into m,
// called under the lock.
func lookupKeeping[K comparable, V any](s *Store, m map[K]V, key K, copyOf func(V) V, load func() (*V, error),
	keep func(*Store, map[K]V, K, V)) (*V, error) {
	s.mu.RLock()
	v, ok := m[key]
	forgets := s.forgets
	s.mu.RUnlock()
	if ok {
		v = copyOf(v) // the caller may change its copy
		return &v, nil
	}
	found, err := load()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.forgets == forgets {
		keep(s, m, key, copyOf(*found))
	}
	s.mu.Unlock()
	return found, nil
}

// forget drops cached entries after a write, under the lock.
func (s *Store) forget(drop func()) {
	s.mu.Lock()
	drop()
	s.forgets++
	s.mu.Unlock()
}

func sameKey(k trustgate.AccessKey) trustgate.AccessKey { return k }

func userCopy(u trustgate.User) trustgate.User {
	u.Tags = slices.Clone(u.Tags)
	return u
}

func roleCopy(r trustgate.Role) trustgate.Role {
	r.Tags = slices.Clone(r.Tags)
	return r
}

// AccessKey implements store.Store.
func (s *Store) AccessKey(ctx context.Context, id string) (*trustgate.AccessKey, error) {
	return lookup(s, s.keys, id, sameKey, func() (*trustgate.AccessKey, error) { return s.Store.AccessKey(ctx, id) })
}

// User implements store.Store.
func (s *Store) User(ctx context.Context, account, name string) (*trustgate.User, error) {
	return lookup(s, s.users, userKey{account, strings.ToLower(name)}, userCopy,
		func() (*trustgate.User, error) { return s.Store.User(ctx, account, name) })
}

// Role implements store.Store.
func (s *Store) Role(ctx context.Context, account, name string) (*trustgate.Role, error) {
	return lookup(s, s.roles, userKey{account, strings.ToLower(name)}, roleCopy,
		func() (*trustgate.Role, error) { return s.Store.Role(ctx, account, name) })
}

func (s *Store) forgetKey(id string) {
	s.forget(func() { delete(s.keys, id) })
}

func (s *Store) forgetUser(account, name string) {
	s.forget(func() { delete(s.users, userKey{account, strings.ToLower(name)}) })
}

func (s *Store) forgetRole(account, name string) {
	s.forget(func() { delete(s.roles, userKey{account, strings.ToLower(name)}) })
}

// UpdateAccessKeyStatus implements store.Store.
func (s *Store) UpdateAccessKeyStatus(ctx context.Context, account, id, status string) error {
	defer s.forgetKey(id)
	return s.Store.UpdateAccessKeyStatus(ctx, account, id, status)
}

// DeleteAccessKey implements store.Store.
func (s *Store) DeleteAccessKey(ctx context.Context, account, id string) error {
	defer func() {
		s.forgetKey(id)
		s.usesMu.Lock()
		delete(s.uses, id)
		s.usesMu.Unlock()
	}()
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
func (s *Store) UpdateUser(ctx context.Context, account, name string, change func(*trustgate.User) error) error {
	renamed := name
	defer s.changed()
	defer s.forget(func() {
		delete(s.users, userKey{account, strings.ToLower(name)})
		delete(s.users, userKey{account, strings.ToLower(renamed)})
		for id, k := range s.keys {
			if k.Account == account && strings.EqualFold(k.UserName, name) {
				delete(s.keys, id)
			}
		}
	})
	return s.Store.UpdateUser(ctx, account, name, func(u *trustgate.User) error {
		err := change(u)
		renamed = u.Name
		return err
	})
}

func bucketCopy(b trustgate.Bucket) trustgate.Bucket {
	b.Tags = slices.Clone(b.Tags)
	return b
}

// Bucket implements store.Store: every S3 request reads its bucket, for
// the owner and the policy.
func (s *Store) Bucket(ctx context.Context, name string) (*trustgate.Bucket, error) {
	return lookup(s, s.buckets, name, bucketCopy, func() (*trustgate.Bucket, error) { return s.Store.Bucket(ctx, name) })
}

// accountBlock is an account's Block Public Access, nil for none.
type accountBlock struct{ pab *trustgate.PublicAccessBlock }

func accountBlockCopy(a accountBlock) accountBlock {
	if a.pab != nil {
		pab := *a.pab
		a.pab = &pab
	}
	return a
}

// AccountPublicAccessBlock implements store.Store: a request on a bucket
// whose policy is public reads its owner's.
func (s *Store) AccountPublicAccessBlock(ctx context.Context, account string) (*trustgate.PublicAccessBlock, error) {
	a, err := lookup(s, s.accountBlocks, account, accountBlockCopy, func() (*accountBlock, error) {
		pab, err := s.Store.AccountPublicAccessBlock(ctx, account)
		return &accountBlock{pab}, err
	})
	if err != nil {
		return nil, err
	}
	return a.pab, nil
}

// SetAccountPublicAccessBlock implements store.Store.
func (s *Store) SetAccountPublicAccessBlock(ctx context.Context, account string, pab *trustgate.PublicAccessBlock) error {
	defer s.forget(func() { delete(s.accountBlocks, account) })
	return s.Store.SetAccountPublicAccessBlock(ctx, account, pab)
}

// Atomically implements store.Store. What fn writes goes round the
// cache, which cannot tell what changed: once it is done, the cache drops
// all it holds.
func (s *Store) Atomically(ctx context.Context, fn func(store.Store) error) error {
	defer s.changed()
	defer s.forget(func() {
		clear(s.keys)
		clear(s.users)
		clear(s.roles)
		clear(s.buckets)
		clear(s.accountBlocks)
		clear(s.accessPoints)
		clear(s.accessPointNames)
		clear(s.objects)
		s.objectBytes = 0
	})
	return s.Store.Atomically(ctx, fn)
}

func accessPointCopy(ap trustgate.AccessPoint) trustgate.AccessPoint {
	ap.Tags = slices.Clone(ap.Tags)
	return ap
}

// AccessPoint implements store.Store.
func (s *Store) AccessPoint(ctx context.Context, account, name string) (*trustgate.AccessPoint, error) {
	return lookup(s, s.accessPointNames, userKey{account, name}, accessPointCopy, func() (*trustgate.AccessPoint, error) { return s.Store.AccessPoint(ctx, account, name) })
}

// AccessPointByAlias implements store.Store: a request by alias reads
// its access point.
func (s *Store) AccessPointByAlias(ctx context.Context, alias string) (*trustgate.AccessPoint, error) {
	return lookup(s, s.accessPoints, alias, accessPointCopy, func() (*trustgate.AccessPoint, error) { return s.Store.AccessPointByAlias(ctx, alias) })
}

// forgetAccessPoints drops every access point kept: a write knows one's
// name, not its alias, and they change seldom.
func (s *Store) forgetAccessPoints() {
	s.forget(func() {
		clear(s.accessPoints)
		clear(s.accessPointNames)
	})
}

// CreateAccessPoint implements store.Store.
func (s *Store) CreateAccessPoint(ctx context.Context, ap *trustgate.AccessPoint) error {
	defer s.forgetAccessPoints()
	return s.Store.CreateAccessPoint(ctx, ap)
}

// UpdateAccessPoint implements store.Store.
func (s *Store) UpdateAccessPoint(ctx context.Context, account, name string, change func(*trustgate.AccessPoint) error) error {
	defer s.forgetAccessPoints()
	return s.Store.UpdateAccessPoint(ctx, account, name, change)
}

// DeleteAccessPoint implements store.Store.
func (s *Store) DeleteAccessPoint(ctx context.Context, account, name string) error {
	defer s.forgetAccessPoints()
	return s.Store.DeleteAccessPoint(ctx, account, name)
}

// UpdateBucket implements store.Store.
func (s *Store) UpdateBucket(ctx context.Context, name string, change func(*trustgate.Bucket) error) error {
	defer s.forget(func() { delete(s.buckets, name) })
	return s.Store.UpdateBucket(ctx, name, change)
}

// DeleteBucket implements store.Store.
func (s *Store) DeleteBucket(ctx context.Context, name string) ([]*trustgate.Part, error) {
	defer s.forget(func() { delete(s.buckets, name) })
	return s.Store.DeleteBucket(ctx, name)
}
