// Package sqlite is the embedded store: one SQLite database in the data
// directory, in WAL mode with synchronous commits, so a write is on disk
// before it is acknowledged.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a Store on one SQLite database.
type DB struct {
	db      *sql.DB
	q       conn           // queries outside transactions, prepared once
	w       *writer        // every write
	secrets *secret.Sealer // seals access-key secrets at rest
	// in is the writer's transaction that a DB given to Atomically's fn
	// runs in, for its reads as for its writes; nil for the store itself.
	in *conn
	// versioned holds the names of the buckets that have had versioning,
	// the only ones whose keys may have noncurrent versions: a write to
	// any other need not look for them.
	versioned *sync.Map
}

var _ store.Store = (*DB)(nil)

// maxConns is the number of connections to the database, the writer's
// included.
const maxConns = 8

// Open opens (creating if needed) the database at path and brings its
// schema up to date. secrets seals access-key secrets.
//
// Readers map the first 256 MiB of the database file (mmap_size) rather
// than copying each page they read out of the kernel: a tenth less CPU
// per GetObject under load.
func Open(path string, secrets *secret.Sealer) (*DB, error) {
	return open(path, secrets, math.MaxInt)
}

// open opens the database at path with the migrations up to and
// including number last applied.
func open(path string, secrets *secret.Sealer, last int) (*DB, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=mmap_size(268435456)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// Readers share the WAL; the writer keeps one connection for itself.
	// Every connection stays open once made: opening one runs its pragmas
	// and each statement must be prepared on it again, which under load
	// (past database/sql's default of two idle connections) was a sixth
	// of what a GetObject cost.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &DB{db: db, q: conn{statements: &statements{db: db, prepared: map[string]*sql.Stmt{}}}, secrets: secrets, versioned: &sync.Map{}}
	if s.w, err = newWriter(db); err != nil {
		db.Close()
		return nil, err
	}
	s.q.writer = s.w
	if err := s.migrate(context.Background(), last); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	if last >= versioningMigration {
		names, err := queryAll(context.Background(), s.q, scanString, `SELECT name FROM buckets WHERE versioning != ''`)
		if err != nil {
			s.Close()
			return nil, err
		}
		for _, name := range names {
			s.versioned.Store(name, true)
		}
	}
	return s, nil
}

// migrate applies the embedded migrations newer than the database's
// user_version, up to number last, each in its own transaction.
func (s *DB) migrate(ctx context.Context, last int) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s has no number", name)
		}
		if n <= version || n > last {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.tx(ctx, func(tx conn) error {
			// A migration holds several statements: run it unprepared.
			if _, err := tx.statements.db.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", base, err)
			}
			_, err := tx.statements.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db conn, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Close closes the database.
func (s *DB) Close() error {
	werr := s.w.close()
	s.q.statements.close()
	return errors.Join(werr, s.db.Close())
}

// tx runs fn in a transaction, committed when it returns nil.
func (s *DB) tx(ctx context.Context, fn func(conn) error) error {
	if s.in == nil {
		return s.w.do(ctx, fn)
	}
	// Within Atomically: each write is a step of its transaction, undone
	// alone when it fails, as the writer undoes one write of a batch.
	c := *s.in
	if _, err := c.ExecContext(ctx, "SAVEPOINT step"); err != nil {
		return err
	}
	err := run(fn, c)
	if err != nil {
		if _, rerr := c.ExecContext(ctx, "ROLLBACK TO step"); rerr != nil {
			return fmt.Errorf("undoing a failed write (%v): %w", err, rerr)
		}
	}
	if _, rerr := c.ExecContext(ctx, "RELEASE step"); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// Atomically implements store.Store.
func (s *DB) Atomically(ctx context.Context, fn func(store.Store) error) error {
	if s.in != nil {
		return fn(s) // already within one
	}
	return s.w.do(ctx, func(c conn) error {
		view := *s
		view.q, view.in = c, &c
		return fn(&view)
	})
}

func unix(t time.Time) int64 { return t.UnixNano() }
func fromUnix(n int64) time.Time {
	return time.Unix(0, n).UTC()
}

// isForeignKey reports whether err is a foreign key violation: a row
// naming a parent that does not exist.
func isForeignKey(err error) bool {
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// isConstraint reports whether err is a uniqueness or key violation.
func isConstraint(err error) bool {
	return err != nil && strings.Contains(err.Error(), "constraint failed")
}

// Organization implements store.Store.
func (s *DB) Organization(ctx context.Context) (*trustgate.Organization, error) {
	var o trustgate.Organization
	var created int64
	var types string
	err := s.q.QueryRowContext(ctx, `SELECT id, root_id, management_account, created_at, policy_types FROM organization`).
		Scan(&o.ID, &o.RootID, &o.ManagementAccount, &created, &types)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("organization: %w", trustgate.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt = fromUnix(created)
	return &o, json.Unmarshal([]byte(types), &o.PolicyTypes)
}

// CreateOrganization implements store.Store.
func (s *DB) CreateOrganization(ctx context.Context, org *trustgate.Organization, management *trustgate.Account, rootKey *trustgate.AccessKey) error {
	return s.tx(ctx, func(tx conn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organization`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("organization: %w", trustgate.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization (id, root_id, management_account, created_at) VALUES (?, ?, ?, ?)`,
			org.ID, org.RootID, org.ManagementAccount, unix(org.CreatedAt)); err != nil {
			return err
		}
		if err := insertAccount(ctx, tx, management); err != nil {
			return err
		}
		return s.insertAccessKey(ctx, tx, rootKey)
	})
}

func insertAccount(ctx context.Context, tx conn, a *trustgate.Account) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, name, email, parent_id, status, joined_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.Email, a.ParentID, a.Status, unix(a.JoinedAt), unix(a.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("account %s: %w", a.ID, trustgate.ErrConflict)
	}
	return err
}

const accountColumns = `id, name, email, parent_id, status, joined_at, created_at`

func scanAccount(row interface{ Scan(...any) error }) (*trustgate.Account, error) {
	var a trustgate.Account
	var joined, created int64
	if err := row.Scan(&a.ID, &a.Name, &a.Email, &a.ParentID, &a.Status, &joined, &created); err != nil {
		return nil, err
	}
	a.JoinedAt, a.CreatedAt = fromUnix(joined), fromUnix(created)
	return &a, nil
}

// Account implements store.Store.
func (s *DB) Account(ctx context.Context, id string) (*trustgate.Account, error) {
	a, err := scanAccount(s.q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %s: %w", id, trustgate.ErrNotFound)
	}
	return a, err
}

// Accounts implements store.Store.
func (s *DB) Accounts(ctx context.Context) ([]*trustgate.Account, error) {
	return queryAll(ctx, s.q, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY id`)
}

// CreateAccount implements store.Store.
func (s *DB) CreateAccount(ctx context.Context, a *trustgate.Account) error {
	return s.tx(ctx, func(tx conn) error { return insertAccount(ctx, tx, a) })
}

func (s *DB) insertAccessKey(ctx context.Context, tx conn, k *trustgate.AccessKey) error {
	if err := requireAccount(ctx, tx, k.Account); err != nil {
		return err
	}
	if k.UserName != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE account_id = ? AND name = ?`, k.Account, k.UserName).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("user %s: %w", k.UserName, trustgate.ErrNotFound)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO access_keys (id, account_id, user_name, secret_sealed, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.Account, k.UserName, s.secrets.Seal([]byte(k.Secret)), k.Status, unix(k.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("access key %s: %w", k.ID, trustgate.ErrConflict)
	}
	return err
}

func requireAccount(ctx context.Context, tx conn, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("account %s: %w", id, trustgate.ErrNotFound)
	}
	return nil
}

const accessKeyColumns = `id, account_id, user_name, secret_sealed, status, created_at`

func (s *DB) scanAccessKey(row interface{ Scan(...any) error }) (*trustgate.AccessKey, error) {
	var k trustgate.AccessKey
	var sealed []byte
	var created int64
	if err := row.Scan(&k.ID, &k.Account, &k.UserName, &sealed, &k.Status, &created); err != nil {
		return nil, err
	}
	plain, err := s.secrets.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("access key %s: the secret does not open with this data directory's key: %w", k.ID, err)
	}
	k.Secret, k.CreatedAt = string(plain), fromUnix(created)
	return &k, nil
}

// AccessKey implements store.Store.
func (s *DB) AccessKey(ctx context.Context, id string) (*trustgate.AccessKey, error) {
	k, err := s.scanAccessKey(s.q.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("access key %s: %w", id, trustgate.ErrNotFound)
	}
	return k, err
}

// CreateAccessKey implements store.Store.
func (s *DB) CreateAccessKey(ctx context.Context, k *trustgate.AccessKey) error {
	return s.tx(ctx, func(tx conn) error { return s.insertAccessKey(ctx, tx, k) })
}

// AccessKeys implements store.Store.
func (s *DB) AccessKeys(ctx context.Context, account, userName string) ([]*trustgate.AccessKey, error) {
	return queryAll(ctx, s.q, s.scanAccessKey,
		`SELECT `+accessKeyColumns+` FROM access_keys WHERE account_id = ? AND user_name = ? ORDER BY created_at, id`, account, userName)
}

// UpdateAccessKeyStatus implements store.Store.
func (s *DB) UpdateAccessKeyStatus(ctx context.Context, account, id, status string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE access_keys SET status = ? WHERE account_id = ? AND id = ?`, status, account, id)
	return affected(res, err, "access key "+id)
}

// DeleteAccessKey implements store.Store.
func (s *DB) DeleteAccessKey(ctx context.Context, account, id string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM access_keys WHERE account_id = ? AND id = ?`, account, id)
	return affected(res, err, "access key "+id)
}

// affected turns "no row changed" into ErrNotFound.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, trustgate.ErrNotFound)
	}
	return nil
}

const userColumns = `account_id, name, id, path, boundary, tags, created_at`

func scanUser(row interface{ Scan(...any) error }) (*trustgate.User, error) {
	var u trustgate.User
	var created int64
	var tags string
	if err := row.Scan(&u.Account, &u.Name, &u.ID, &u.Path, &u.Boundary, &tags, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromUnix(created)
	return &u, json.Unmarshal([]byte(tags), &u.Tags)
}

func tagsJSON(tags []trustgate.Tag) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// User implements store.Store.
func (s *DB) User(ctx context.Context, account, name string) (*trustgate.User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE account_id = ? AND name = ?`, account, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", name, trustgate.ErrNotFound)
	}
	return u, err
}

// CreateUser implements store.Store.
func (s *DB) CreateUser(ctx context.Context, u *trustgate.User) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, u.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (account_id, name, id, path, boundary, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.Account, u.Name, u.ID, u.Path, u.Boundary, tagsJSON(u.Tags), unix(u.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("user %s: %w", u.Name, trustgate.ErrConflict)
		}
		return err
	})
}

// Users implements store.Store.
func (s *DB) Users(ctx context.Context, account, pathPrefix string) ([]*trustgate.User, error) {
	return queryAll(ctx, s.q, scanUser,
		`SELECT `+userColumns+` FROM users WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name`, account, pathPrefix, pathPrefix)
}

// UpdateUser implements store.Store.
func (s *DB) UpdateUser(ctx context.Context, account, name string, change func(*trustgate.User) error) error {
	return s.tx(ctx, func(tx conn) error {
		var stored string // the name as stored: the one looked up may differ in case
		u, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE account_id = ? AND name = ?`, account, name),
			scanUser, "user "+name, func(u *trustgate.User) error { stored = u.Name; return change(u) })
		if err != nil {
			return err
		}
		update := func() error {
			_, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, path = ?, boundary = ?, tags = ? WHERE account_id = ? AND name = ?`,
				u.Name, u.Path, u.Boundary, tagsJSON(u.Tags), account, stored)
			if isConstraint(err) {
				return fmt.Errorf("user %s: %w", u.Name, trustgate.ErrConflict)
			}
			return err
		}
		if u.Name == stored {
			return update()
		}
		return renaming(ctx, tx, update, u.Name, account, stored,
			`UPDATE access_keys SET user_name = ? WHERE account_id = ? AND user_name = ?`,
			`UPDATE group_members SET user_name = ? WHERE account_id = ? AND user_name = ?`,
			`UPDATE inline_policies SET entity_name = ? WHERE account_id = ? AND entity_kind = 'user' AND entity_name = ?`,
			`UPDATE attached_policies SET entity_name = ? WHERE account_id = ? AND entity_kind = 'user' AND entity_name = ?`,
			`UPDATE mfa_devices SET user_name = ? WHERE account_id = ? AND user_name = ?`,
			`UPDATE login_profiles SET user_name = ? WHERE account_id = ? AND user_name = ?`)
	})
}

// changeRow is the first half of an Update: it scans the record row
// holds, named what, and lets change edit it. The caller stores it.
func changeRow[T any](row *sql.Row, scan func(interface{ Scan(...any) error }) (*T, error), what string, change func(*T) error) (*T, error) {
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", what, trustgate.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return v, change(v)
}

// renaming runs update, which renames a row, then the statements that
// rename the rows naming it, each given the new name, the account and the
// old name. Every statement alone breaks a foreign key that all of them
// together keep, so the keys are deferred while they run, and only then:
// SQLite would keep them deferred until COMMIT, and the writer's other
// writes in the same transaction need theirs checked as they go. (Ending
// the deferral forgets what it deferred; the statements leave nothing.)
func renaming(ctx context.Context, tx conn, update func() error, newName, account, oldName string, statements ...string) (err error) {
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return err
	}
	defer func() {
		if _, offErr := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = OFF`); err == nil {
			err = offErr
		}
	}()
	if err := update(); err != nil {
		return err
	}
	for _, q := range statements {
		if _, err := tx.ExecContext(ctx, q, newName, account, oldName); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUser implements store.Store.
func (s *DB) DeleteUser(ctx context.Context, account, name string) error {
	return s.tx(ctx, func(tx conn) error {
		for _, dep := range []struct{ what, query string }{
			{"access keys", `SELECT count(*) FROM access_keys WHERE account_id = ? AND user_name = ?`},
			{"group memberships", `SELECT count(*) FROM group_members WHERE account_id = ? AND user_name = ?`},
			{"inline policies", `SELECT count(*) FROM inline_policies WHERE account_id = ? AND entity_kind = 'user' AND entity_name = ?`},
			{"attached policies", `SELECT count(*) FROM attached_policies WHERE account_id = ? AND entity_kind = 'user' AND entity_name = ?`},
			{"MFA devices", `SELECT count(*) FROM mfa_devices WHERE account_id = ? AND user_name = ?`},
			{"login profile", `SELECT count(*) FROM login_profiles WHERE account_id = ? AND user_name = ?`},
		} {
			if err := noDependents(ctx, tx, "user "+name, dep.what, dep.query, account, name); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE account_id = ? AND name = ?`, account, name)
		return affected(res, err, "user "+name)
	})
}

// noDependents fails with ErrConflict when query counts any row.
func noDependents(ctx context.Context, tx conn, entity, what, query string, args ...any) error {
	var n int
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s still has %d %s: %w", entity, n, what, trustgate.ErrConflict)
	}
	return nil
}

// RecordAccessKeyUse implements store.Store.
func (s *DB) RecordAccessKeyUse(ctx context.Context, id string, use trustgate.KeyUse) error {
	res, err := s.q.ExecContext(ctx, `UPDATE access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE id = ?`,
		unix(use.At), use.Service, use.Region, id)
	return affected(res, err, "access key "+id)
}

// AccessKeyLastUsed implements store.Store.
func (s *DB) AccessKeyLastUsed(ctx context.Context, id string) (trustgate.KeyUse, error) {
	var use trustgate.KeyUse
	var at int64
	err := s.q.QueryRowContext(ctx, `SELECT last_used_at, last_used_service, last_used_region FROM access_keys WHERE id = ?`, id).
		Scan(&at, &use.Service, &use.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return use, fmt.Errorf("access key %s: %w", id, trustgate.ErrNotFound)
	}
	if at != 0 {
		use.At = fromUnix(at)
	}
	return use, err
}
