package storetest

import (
	"errors"
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// testAtomically: what fn writes holds only when it returns nil; within
// it, reads see its own writes, and a write that fails is undone alone.
func testAtomically(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	if err := s.CreateRole(ctx, &trustgate.Role{Account: mgmt, Name: "Ops", ID: "AROAOPS", Path: "/", TrustPolicy: `{"old":1}`, MaxSessionDuration: 3600, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	setTrust := func(tx store.Store, doc string) error {
		return tx.UpdateRole(ctx, mgmt, "Ops", func(r *trustgate.Role) error { r.TrustPolicy = doc; return nil })
	}

	refused := errors.New("refused")
	err := s.Atomically(ctx, func(tx store.Store) error {
		if err := tx.DeleteUser(ctx, mgmt, "alice"); err != nil {
			return err
		}
		if err := setTrust(tx, `{"new":1}`); err != nil {
			return err
		}
		return refused
	})
	wantErr(t, "Atomically that fails", err, refused)
	if _, err := s.User(ctx, mgmt, "alice"); err != nil {
		t.Errorf("User after a failed Atomically deleted it: %v; want it kept", err)
	}
	if r, err := s.Role(ctx, mgmt, "Ops"); err != nil || r.TrustPolicy != `{"old":1}` {
		t.Errorf("Role after a failed Atomically = %+v, %v; want the trust policy it had", r, err)
	}

	err = s.Atomically(ctx, func(tx store.Store) error {
		// A write that fails within is undone alone, and fn goes on.
		wantErr(t, "DeleteRole of an unknown role within Atomically", tx.DeleteRole(ctx, mgmt, "Nobody"), trustgate.ErrNotFound)
		if err := tx.DeleteUser(ctx, mgmt, "alice"); err != nil {
			return err
		}
		if _, err := tx.User(ctx, mgmt, "alice"); !errors.Is(err, trustgate.ErrNotFound) {
			t.Errorf("User within the Atomically that deleted it = %v; want ErrNotFound", err)
		}
		return setTrust(tx, `{"new":1}`)
	})
	if err != nil {
		t.Fatalf("Atomically: %v", err)
	}
	if _, err := s.User(ctx, mgmt, "alice"); !errors.Is(err, trustgate.ErrNotFound) {
		t.Errorf("User after an Atomically that deleted it = %v; want ErrNotFound", err)
	}
	if r, err := s.Role(ctx, mgmt, "Ops"); err != nil || r.TrustPolicy != `{"new":1}` {
		t.Errorf("Role after Atomically = %+v, %v; want the new trust policy", r, err)
	}
}
