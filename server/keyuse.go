package server

import (
	"context"
	"sync"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// keyUseInterval is how often a key's use is written while it stays on one
// service and region: GetAccessKeyLastUsed is that precise.
const keyUseInterval = time.Minute

// keyUses records when long-term access keys are used, for
// GetAccessKeyLastUsed, without a write on every request.
type keyUses struct {
	store store.Store

	mu      sync.Mutex
	written map[string]trustgate.KeyUse // guarded by mu: the last use written, by key id
}

// record notes a use of key id, writing it to the store when it is the
// first since start, a minute after the last one written, or for another
// service or region.
func (k *keyUses) record(ctx context.Context, id string, use trustgate.KeyUse) error {
	k.mu.Lock()
	last, ok := k.written[id]
	if ok && use.At.Sub(last.At) < keyUseInterval && last.Service == use.Service && last.Region == use.Region {
		k.mu.Unlock()
		return nil
	}
	if k.written == nil || len(k.written) >= 50000 {
		k.written = map[string]trustgate.KeyUse{}
	}
	k.written[id] = use
	k.mu.Unlock()
	return k.store.RecordAccessKeyUse(ctx, id, use)
}
