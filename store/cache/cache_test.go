package cache_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/store"
	"github.com/trustgate/trustgate/store/cache"
	"github.com/trustgate/trustgate/store/sqlite"
	"github.com/trustgate/trustgate/store/storetest"
)

// The cache must be invisible: the whole conformance suite, which reads
// after every write, passes through it.
func TestConformanceThroughCache(t *testing.T) {
	sealer, err := secret.NewSealer(bytes.Repeat([]byte{1}, secret.KeySize), "access keys")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "trustgate.db"), sealer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return cache.New(db)
	})
}
