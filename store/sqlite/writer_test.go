package sqlite

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/store/storetest"
)

// testSealer seals access-key secrets with a fixed key.
func testSealer(t *testing.T) *secret.Sealer {
	t.Helper()
	sealer, err := secret.NewSealer(bytes.Repeat([]byte{1}, secret.KeySize), "access keys")
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

func openDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "trustgate.db"), testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.db.Exec(`CREATE TABLE notes (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT count(*) FROM notes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Writes committed together keep their own outcomes: a write that fails
// halfway is undone whole, a panicking one fails alone, and every other
// write of the same commit lands.
func TestWritesInOneCommitFailAlone(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	before := db.w.commits.Load()
	const writers = 200
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.tx(ctx, func(tx conn) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (?)`, 1000+i); err != nil {
					return err
				}
				switch i % 4 {
				case 1: // a second statement that breaks the primary key
					_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (?)`, 1000+i)
					return err
				case 2:
					panic("a bug in a write")
				case 3:
					return errors.New("refused")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i%4 == 0) != (err == nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if n := count(t, db); n != writers/4 {
		t.Errorf("%d rows after the writes; want the %d of the writes that succeeded", n, writers/4)
	}
	var missing []int
	for i := 0; i < writers; i += 4 {
		var n int
		db.db.QueryRow(`SELECT count(*) FROM notes WHERE n = ?`, 1000+i).Scan(&n)
		if n != 1 {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		t.Errorf("writes %v succeeded but are not in the database", missing)
	}
	if commits := db.w.commits.Load() - before; commits >= writers {
		t.Errorf("%d commits for %d concurrent writes; want writes that queued together committed together", commits, writers)
	}
}

// A single statement outside a transaction goes through the writer too,
// and a write whose caller gave up before it was queued does not run.
func TestWritesOutsideTransactions(t *testing.T) {
	db := openDB(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.q.ExecContext(context.Background(), `INSERT INTO notes (n) VALUES (?)`, i); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := count(t, db); n != 50 {
		t.Errorf("%d rows after 50 single inserts", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := db.tx(ctx, func(conn) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("a write with its context already ended = %v, ran %v; want context.Canceled, not run", err, ran)
	}
}

// After Close, a write fails at once rather than waiting forever.
func TestWriteAfterClose(t *testing.T) {
	db := openDB(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	err := db.tx(context.Background(), func(conn) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Errorf("a write after Close = %v, want %v", err, errClosed)
	}
}

// A commit that SQLite refuses (here a deferred foreign key) leaves its
// transaction open; the writer must end it, or every later write would
// fail to begin one.
func TestRefusedCommitLeavesNoTransaction(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.db.Exec(`CREATE TABLE parents (id INTEGER PRIMARY KEY); CREATE TABLE children (parent INTEGER REFERENCES parents(id))`); err != nil {
		t.Fatal(err)
	}
	err := db.tx(ctx, func(tx conn) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO children (parent) VALUES (7)`)
		return err
	})
	if !isForeignKey(err) {
		t.Fatalf("a write breaking a deferred foreign key = %v; want the commit refused", err)
	}
	if err := db.tx(ctx, func(tx conn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (1)`)
		return err
	}); err != nil {
		t.Fatalf("the write after a refused commit: %v", err)
	}
	var children int
	if err := db.db.QueryRow(`SELECT count(*) FROM children`).Scan(&children); err != nil || children != 0 || count(t, db) != 1 {
		t.Errorf("after the refused commit: %d children (%v), %d notes; want 0 and 1", children, err, count(t, db))
	}
}

// A rename defers foreign keys for its own statements only: a write after
// it in the same commit that breaks a key fails alone, at once, rather
// than passing and then failing the whole commit with every write in it.
func TestRenameDefersKeysForItselfAlone(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const account = "111111111111"
	storetest.SeedForTest(t, db, "root-secret")
	for _, err := range []error{
		db.CreateUser(ctx, &trustgate.User{Account: account, Name: "alice", ID: "AIDAALICE", Path: "/"}),
		db.CreateGroup(ctx, &trustgate.Group{Account: account, Name: "dev", ID: "AGPADEV", Path: "/"}),
		db.AddUserToGroup(ctx, account, "dev", "alice"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Hold the writer in one write while three more queue, in order, for
	// the next commit.
	hold, held := make(chan struct{}), make(chan struct{})
	go db.tx(ctx, func(conn) error { close(held); <-hold; return nil })
	<-held
	results := make([]chan error, 3)
	writes := []func() error{
		func() error {
			return db.UpdateUser(ctx, account, "alice", func(u *trustgate.User) error { u.Name = "alicia"; return nil })
		},
		func() error {
			return db.tx(ctx, func(tx conn) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO group_members (account_id, group_name, user_name) VALUES (?, 'nogroup', 'alicia')`, account)
				return err
			})
		},
		func() error {
			return db.tx(ctx, func(tx conn) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (1)`)
				return err
			})
		},
	}
	for i, write := range writes {
		results[i] = make(chan error, 1)
		go func() { results[i] <- write() }()
		for len(db.w.queue) < i+1 {
			runtime.Gosched()
		}
	}
	close(hold)
	if err := <-results[0]; err != nil {
		t.Errorf("the rename: %v", err)
	}
	if err := <-results[1]; !isForeignKey(err) {
		t.Errorf("the membership of a group that does not exist = %v; want its foreign key refused", err)
	}
	if err := <-results[2]; err != nil {
		t.Errorf("the write after it: %v", err)
	}
	if gs, err := db.GroupsForUser(ctx, account, "alicia"); err != nil || len(gs) != 1 {
		t.Errorf("the renamed user's groups = %v, %v; want dev", gs, err)
	}
	rows, err := db.db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check finds rows naming a parent that is gone")
	}
}
