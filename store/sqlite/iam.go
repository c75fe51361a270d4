package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/trustgate/trustgate"
)

const groupColumns = `account_id, name, id, path, created_at`

func scanGroup(row interface{ Scan(...any) error }) (*trustgate.Group, error) {
	var g trustgate.Group
	var created int64
	if err := row.Scan(&g.Account, &g.Name, &g.ID, &g.Path, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = fromUnix(created)
	return &g, nil
}

// Group implements store.Store.
func (s *DB) Group(ctx context.Context, account, name string) (*trustgate.Group, error) {
	g, err := scanGroup(s.q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups WHERE account_id = ? AND name = ?`, account, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("group %s: %w", name, trustgate.ErrNotFound)
	}
	return g, err
}

// CreateGroup implements store.Store.
func (s *DB) CreateGroup(ctx context.Context, g *trustgate.Group) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, g.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO groups (account_id, name, id, path, created_at) VALUES (?, ?, ?, ?, ?)`,
			g.Account, g.Name, g.ID, g.Path, unix(g.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("group %s: %w", g.Name, trustgate.ErrConflict)
		}
		return err
	})
}

// Groups implements store.Store.
func (s *DB) Groups(ctx context.Context, account, pathPrefix string) ([]*trustgate.Group, error) {
	return queryAll(ctx, s.q, scanGroup,
		`SELECT `+groupColumns+` FROM groups WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name`, account, pathPrefix, pathPrefix)
}

// UpdateGroup implements store.Store.
func (s *DB) UpdateGroup(ctx context.Context, account, name string, change func(*trustgate.Group) error) error {
	return s.tx(ctx, func(tx conn) error {
		var stored string // the name as stored: the one looked up may differ in case
		g, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups WHERE account_id = ? AND name = ?`, account, name),
			scanGroup, "group "+name, func(g *trustgate.Group) error { stored = g.Name; return change(g) })
		if err != nil {
			return err
		}
		update := func() error {
			_, err := tx.ExecContext(ctx, `UPDATE groups SET name = ?, path = ? WHERE account_id = ? AND name = ?`, g.Name, g.Path, account, stored)
			if isConstraint(err) {
				return fmt.Errorf("group %s: %w", g.Name, trustgate.ErrConflict)
			}
			return err
		}
		if g.Name == stored {
			return update()
		}
		return renaming(ctx, tx, update, g.Name, account, stored,
			`UPDATE group_members SET group_name = ? WHERE account_id = ? AND group_name = ?`,
			`UPDATE inline_policies SET entity_name = ? WHERE account_id = ? AND entity_kind = 'group' AND entity_name = ?`,
			`UPDATE attached_policies SET entity_name = ? WHERE account_id = ? AND entity_kind = 'group' AND entity_name = ?`)
	})
}

// DeleteGroup implements store.Store.
func (s *DB) DeleteGroup(ctx context.Context, account, name string) error {
	return s.tx(ctx, func(tx conn) error {
		for _, dep := range []struct{ what, query string }{
			{"members", `SELECT count(*) FROM group_members WHERE account_id = ? AND group_name = ?`},
			{"inline policies", `SELECT count(*) FROM inline_policies WHERE account_id = ? AND entity_kind = 'group' AND entity_name = ?`},
			{"attached policies", `SELECT count(*) FROM attached_policies WHERE account_id = ? AND entity_kind = 'group' AND entity_name = ?`},
		} {
			if err := noDependents(ctx, tx, "group "+name, dep.what, dep.query, account, name); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM groups WHERE account_id = ? AND name = ?`, account, name)
		return affected(res, err, "group "+name)
	})
}

// AddUserToGroup implements store.Store.
func (s *DB) AddUserToGroup(ctx context.Context, account, group, user string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireEntity(ctx, tx, trustgate.Entity{Account: account, Kind: trustgate.GroupEntity, Name: group}); err != nil {
			return err
		}
		if err := requireEntity(ctx, tx, trustgate.Entity{Account: account, Kind: trustgate.UserEntity, Name: user}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO group_members (account_id, group_name, user_name) VALUES (?, ?, ?)`, account, group, user)
		return err
	})
}

// RemoveUserFromGroup implements store.Store.
func (s *DB) RemoveUserFromGroup(ctx context.Context, account, group, user string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM group_members WHERE account_id = ? AND group_name = ? AND user_name = ?`, account, group, user)
	return affected(res, err, "user "+user+" in group "+group)
}

// GroupsForUser implements store.Store.
func (s *DB) GroupsForUser(ctx context.Context, account, user string) ([]*trustgate.Group, error) {
	return queryAll(ctx, s.q, scanGroup, `SELECT g.account_id, g.name, g.id, g.path, g.created_at FROM groups g
		JOIN group_members m ON m.account_id = g.account_id AND m.group_name = g.name
		WHERE m.account_id = ? AND m.user_name = ? ORDER BY g.name`, account, user)
}

// GroupMembers implements store.Store.
func (s *DB) GroupMembers(ctx context.Context, account, group string) ([]*trustgate.User, error) {
	return queryAll(ctx, s.q, scanUser, `SELECT u.account_id, u.name, u.id, u.path, u.boundary, u.tags, u.created_at FROM users u
		JOIN group_members m ON m.account_id = u.account_id AND m.user_name = u.name
		WHERE m.account_id = ? AND m.group_name = ? ORDER BY u.name`, account, group)
}

const roleColumns = `account_id, name, id, path, trust_policy, description, max_session_duration, boundary, tags, created_at`

func scanRole(row interface{ Scan(...any) error }) (*trustgate.Role, error) {
	var r trustgate.Role
	var created int64
	var tags string
	if err := row.Scan(&r.Account, &r.Name, &r.ID, &r.Path, &r.TrustPolicy, &r.Description, &r.MaxSessionDuration, &r.Boundary, &tags, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromUnix(created)
	return &r, json.Unmarshal([]byte(tags), &r.Tags)
}

// Role implements store.Store.
func (s *DB) Role(ctx context.Context, account, name string) (*trustgate.Role, error) {
	r, err := scanRole(s.q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles WHERE account_id = ? AND name = ?`, account, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("role %s: %w", name, trustgate.ErrNotFound)
	}
	return r, err
}

// CreateRole implements store.Store.
func (s *DB) CreateRole(ctx context.Context, r *trustgate.Role) error {
	return s.tx(ctx, func(tx conn) error { return insertRole(ctx, tx, r) })
}

func insertRole(ctx context.Context, tx conn, r *trustgate.Role) error {
	if err := requireAccount(ctx, tx, r.Account); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO roles (`+roleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Account, r.Name, r.ID, r.Path, r.TrustPolicy, r.Description, r.MaxSessionDuration, r.Boundary, tagsJSON(r.Tags), unix(r.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("role %s: %w", r.Name, trustgate.ErrConflict)
	}
	return err
}

// UpdateRole implements store.Store.
func (s *DB) UpdateRole(ctx context.Context, account, name string, change func(*trustgate.Role) error) error {
	return s.tx(ctx, func(tx conn) error {
		r, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles WHERE account_id = ? AND name = ?`, account, name),
			scanRole, "role "+name, change)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET trust_policy = ?, description = ?, max_session_duration = ?, boundary = ?, tags = ?
			WHERE account_id = ? AND name = ?`, r.TrustPolicy, r.Description, r.MaxSessionDuration, r.Boundary, tagsJSON(r.Tags), account, name)
		return err
	})
}

// Roles implements store.Store.
func (s *DB) Roles(ctx context.Context, account, pathPrefix string) ([]*trustgate.Role, error) {
	return queryAll(ctx, s.q, scanRole,
		`SELECT `+roleColumns+` FROM roles WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name`, account, pathPrefix, pathPrefix)
}

// DeleteRole implements store.Store.
func (s *DB) DeleteRole(ctx context.Context, account, name string) error {
	return s.tx(ctx, func(tx conn) error {
		for _, dep := range []struct{ what, query string }{
			{"inline policies", `SELECT count(*) FROM inline_policies WHERE account_id = ? AND entity_kind = 'role' AND entity_name = ?`},
			{"attached policies", `SELECT count(*) FROM attached_policies WHERE account_id = ? AND entity_kind = 'role' AND entity_name = ?`},
		} {
			if err := noDependents(ctx, tx, "role "+name, dep.what, dep.query, account, name); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE account_id = ? AND name = ?`, account, name)
		return affected(res, err, "role "+name)
	})
}

// entityTables maps an entity kind to its table.
var entityTables = map[trustgate.EntityKind]string{
	trustgate.UserEntity:  "users",
	trustgate.GroupEntity: "groups",
	trustgate.RoleEntity:  "roles",
}

// requireEntity fails with ErrNotFound unless the user, group or role exists.
func requireEntity(ctx context.Context, tx conn, e trustgate.Entity) error {
	table, ok := entityTables[e.Kind]
	if !ok {
		return fmt.Errorf("unknown entity kind %q", e.Kind)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE account_id = ? AND name = ?`, e.Account, e.Name).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", e.Kind, e.Name, trustgate.ErrNotFound)
	}
	return nil
}

// PutInlinePolicy implements store.Store.
func (s *DB) PutInlinePolicy(ctx context.Context, e trustgate.Entity, p trustgate.InlinePolicy) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireEntity(ctx, tx, e); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO inline_policies (account_id, entity_kind, entity_name, name, document) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account_id, entity_kind, entity_name, name) DO UPDATE SET document = excluded.document`,
			e.Account, string(e.Kind), e.Name, p.Name, p.Document)
		return err
	})
}

func scanInline(row interface{ Scan(...any) error }) (trustgate.InlinePolicy, error) {
	var p trustgate.InlinePolicy
	err := row.Scan(&p.Name, &p.Document)
	return p, err
}

// InlinePolicy implements store.Store.
func (s *DB) InlinePolicy(ctx context.Context, e trustgate.Entity, name string) (*trustgate.InlinePolicy, error) {
	p, err := scanInline(s.q.QueryRowContext(ctx, `SELECT name, document FROM inline_policies
		WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND name = ?`, e.Account, string(e.Kind), e.Name, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s of %s %s: %w", name, e.Kind, e.Name, trustgate.ErrNotFound)
	}
	return &p, err
}

// InlinePolicies implements store.Store.
func (s *DB) InlinePolicies(ctx context.Context, e trustgate.Entity) ([]trustgate.InlinePolicy, error) {
	return queryAll(ctx, s.q, scanInline, `SELECT name, document FROM inline_policies
		WHERE account_id = ? AND entity_kind = ? AND entity_name = ? ORDER BY name`, e.Account, string(e.Kind), e.Name)
}

// DeleteInlinePolicy implements store.Store.
func (s *DB) DeleteInlinePolicy(ctx context.Context, e trustgate.Entity, name string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM inline_policies WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND name = ?`,
		e.Account, string(e.Kind), e.Name, name)
	return affected(res, err, "policy "+name)
}

// AttachPolicy implements store.Store.
func (s *DB) AttachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireEntity(ctx, tx, e); err != nil {
			return err
		}
		if !strings.HasPrefix(policyARN, "arn:aws:iam::aws:policy/") {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM managed_policies WHERE arn = ?`, policyARN).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("policy %s: %w", policyARN, trustgate.ErrNotFound)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO attached_policies (account_id, entity_kind, entity_name, policy_arn) VALUES (?, ?, ?, ?)`,
			e.Account, string(e.Kind), e.Name, policyARN)
		return err
	})
}

// DetachPolicy implements store.Store.
func (s *DB) DetachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM attached_policies WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_arn = ?`,
		e.Account, string(e.Kind), e.Name, policyARN)
	return affected(res, err, "policy "+policyARN)
}

// AttachedPolicies implements store.Store.
func (s *DB) AttachedPolicies(ctx context.Context, e trustgate.Entity) ([]string, error) {
	return queryAll(ctx, s.q, func(row interface{ Scan(...any) error }) (string, error) {
		var a string
		return a, row.Scan(&a)
	}, `SELECT policy_arn FROM attached_policies WHERE account_id = ? AND entity_kind = ? AND entity_name = ? ORDER BY policy_arn`,
		e.Account, string(e.Kind), e.Name)
}
