package cache

import (
	"context"
	"time"

	"github.com/trustgate/trustgate"
)

// KeyUseInterval is how often a key's use reaches the store: every
// request records one, and the cache keeps the latest in memory between
// writes, so GetAccessKeyLastUsed is exact on this node and at most this
// old after a restart.
const KeyUseInterval = time.Minute

// keyUse is what the cache knows of one key's use.
type keyUse struct {
	latest  trustgate.KeyUse
	written time.Time // when the store last took one; zero before
}

// RecordAccessKeyUse implements store.Store.
func (s *Store) RecordAccessKeyUse(ctx context.Context, id string, use trustgate.KeyUse) error {
	s.usesMu.Lock()
	u := s.uses[id]
	if u == nil {
		if len(s.uses) >= maxEntries {
			clear(s.uses)
		}
		u = &keyUse{}
		s.uses[id] = u
	}
	u.latest = use
	due := u.written.IsZero() || use.At.Sub(u.written) >= KeyUseInterval
	if due {
		u.written = use.At
	}
	s.usesMu.Unlock()
	if !due {
		return nil
	}
	err := s.Store.RecordAccessKeyUse(ctx, id, use)
	if err != nil {
		s.usesMu.Lock()
		u.written = time.Time{} // try again on the next use
		s.usesMu.Unlock()
	}
	return err
}

// AccessKeyLastUsed implements store.Store: the latest use this node saw,
// when the store's is older.
func (s *Store) AccessKeyLastUsed(ctx context.Context, id string) (trustgate.KeyUse, error) {
	stored, err := s.Store.AccessKeyLastUsed(ctx, id)
	if err != nil {
		return stored, err
	}
	s.usesMu.Lock()
	u := s.uses[id]
	var latest trustgate.KeyUse
	if u != nil {
		latest = u.latest
	}
	s.usesMu.Unlock()
	if latest.At.After(stored.At) {
		return latest, nil
	}
	return stored, nil
}
