package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
)

const managedPolicyColumns = `account_id, name, id, path, description, default_version, tags, created_at, updated_at`

func scanManagedPolicy(row interface{ Scan(...any) error }) (*trustgate.ManagedPolicy, error) {
	var p trustgate.ManagedPolicy
	var tags string
	var created, updated int64
	if err := row.Scan(&p.Account, &p.Name, &p.ID, &p.Path, &p.Description, &p.DefaultVersion, &tags, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &p, json.Unmarshal([]byte(tags), &p.Tags)
}

// versionID is the id of version number n, as IAM shows it: v1, v2, ...
func versionID(n int) string { return "v" + strconv.Itoa(n) }

// versionNumber is the number of a version id, or 0 for an id trustgate
// never makes (IAM's pattern also allows v1.beta).
func versionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || !strings.HasPrefix(id, "v") || n < 1 || versionID(n) != id {
		return 0
	}
	return n
}

// CreateManagedPolicy implements store.Store.
func (s *DB) CreateManagedPolicy(ctx context.Context, p *trustgate.ManagedPolicy, document string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, p.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO managed_policies (account_id, name, arn, id, path, description, default_version, last_version, tags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'v1', 1, ?, ?, ?)`,
			p.Account, p.Name, p.ARN(), p.ID, p.Path, p.Description, tagsJSON(p.Tags), unix(p.CreatedAt), unix(p.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("policy %s: %w", p.Name, trustgate.ErrConflict)
		}
		if err != nil {
			return err
		}
		p.DefaultVersion, p.UpdatedAt = "v1", p.CreatedAt
		_, err = tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_arn, number, document, created_at) VALUES (?, 1, ?, ?)`,
			p.ARN(), document, unix(p.CreatedAt))
		return err
	})
}

// ManagedPolicy implements store.Store.
func (s *DB) ManagedPolicy(ctx context.Context, arn string) (*trustgate.ManagedPolicy, error) {
	p, err := scanManagedPolicy(s.q.QueryRowContext(ctx, `SELECT `+managedPolicyColumns+` FROM managed_policies WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound)
	}
	return p, err
}

// ManagedPolicies implements store.Store.
func (s *DB) ManagedPolicies(ctx context.Context, account, pathPrefix string) ([]*trustgate.ManagedPolicy, error) {
	return queryAll(ctx, s.q, scanManagedPolicy, `SELECT `+managedPolicyColumns+` FROM managed_policies
		WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name`, account, pathPrefix, pathPrefix)
}

// UpdateManagedPolicyTags implements store.Store.
func (s *DB) UpdateManagedPolicyTags(ctx context.Context, arn string, change func(*trustgate.ManagedPolicy) error) error {
	return s.tx(ctx, func(tx conn) error {
		p, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+managedPolicyColumns+` FROM managed_policies WHERE arn = ?`, arn),
			scanManagedPolicy, "policy "+arn, change)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE managed_policies SET tags = ? WHERE arn = ?`, tagsJSON(p.Tags), arn)
		return err
	})
}

// DeleteManagedPolicy implements store.Store.
func (s *DB) DeleteManagedPolicy(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx conn) error {
		if _, err := policyForUpdate(ctx, tx, arn); err != nil {
			return err
		}
		for _, dep := range []struct{ what, query string }{
			{"attachments", `SELECT count(*) FROM attached_policies WHERE policy_arn = ?`},
			{"users it bounds", `SELECT count(*) FROM users WHERE boundary = ?`},
			{"roles it bounds", `SELECT count(*) FROM roles WHERE boundary = ?`},
			{"non-default versions", `SELECT count(*) - 1 FROM policy_versions WHERE policy_arn = ?`},
		} {
			if err := noDependents(ctx, tx, "policy "+arn, dep.what, dep.query, arn); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM managed_policies WHERE arn = ?`, arn)
		return err
	})
}

// policyForUpdate reads what a change to a policy's versions needs: its
// default version's number and the number of its newest version ever.
func policyForUpdate(ctx context.Context, tx conn, arn string) (struct{ defaultVersion, last int }, error) {
	var v struct{ defaultVersion, last int }
	var def string
	err := tx.QueryRowContext(ctx, `SELECT default_version, last_version FROM managed_policies WHERE arn = ?`, arn).Scan(&def, &v.last)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound)
	}
	v.defaultVersion = versionNumber(def)
	return v, err
}

// CreatePolicyVersion implements store.Store.
func (s *DB) CreatePolicyVersion(ctx context.Context, arn string, v *trustgate.PolicyVersion, maxVersions int) error {
	return s.tx(ctx, func(tx conn) error {
		p, err := policyForUpdate(ctx, tx, arn)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM policy_versions WHERE policy_arn = ?`, arn).Scan(&n); err != nil {
			return err
		}
		if n >= maxVersions {
			return fmt.Errorf("policy %s has %d versions: %w", arn, n, trustgate.ErrLimit)
		}
		number := p.last + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_arn, number, document, created_at) VALUES (?, ?, ?, ?)`,
			arn, number, v.Document, unix(v.CreatedAt)); err != nil {
			return err
		}
		v.ID = versionID(number)
		def := versionID(p.defaultVersion)
		if v.Default {
			def = v.ID
		}
		_, err = tx.ExecContext(ctx, `UPDATE managed_policies SET last_version = ?, default_version = ?, updated_at = ? WHERE arn = ?`,
			number, def, unix(v.CreatedAt), arn)
		return err
	})
}

// PolicyVersion implements store.Store. One query reads the version and
// which one is the default, so that a concurrent change of the default
// cannot fall between them.
func (s *DB) PolicyVersion(ctx context.Context, arn, id string) (*trustgate.PolicyVersion, error) {
	var v trustgate.PolicyVersion
	var n int
	var def string
	var created int64
	err := s.q.QueryRowContext(ctx, `SELECT v.number, v.document, v.created_at, p.default_version
		FROM managed_policies p JOIN policy_versions v ON v.policy_arn = p.arn
		WHERE p.arn = ? AND v.number = CASE WHEN ? = '' THEN CAST(substr(p.default_version, 2) AS INTEGER) ELSE ? END`,
		arn, id, versionNumber(id)).Scan(&n, &v.Document, &created, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %q of policy %s: %w", id, arn, trustgate.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	v.ID, v.Default, v.CreatedAt = versionID(n), versionID(n) == def, fromUnix(created)
	return &v, nil
}

// PolicyVersions implements store.Store.
func (s *DB) PolicyVersions(ctx context.Context, arn string) ([]*trustgate.PolicyVersion, error) {
	type row struct {
		v   trustgate.PolicyVersion
		def string
	}
	rows, err := queryAll(ctx, s.q, func(r interface{ Scan(...any) error }) (row, error) {
		var x row
		var n int
		var created int64
		err := r.Scan(&n, &x.v.Document, &created, &x.def)
		x.v.ID, x.v.CreatedAt = versionID(n), fromUnix(created)
		return x, err
	}, `SELECT v.number, v.document, v.created_at, p.default_version
		FROM managed_policies p JOIN policy_versions v ON v.policy_arn = p.arn WHERE p.arn = ? ORDER BY v.number DESC`, arn)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound) // a policy has its default version at least
	}
	out := make([]*trustgate.PolicyVersion, len(rows))
	for i := range rows {
		rows[i].v.Default = rows[i].v.ID == rows[i].def
		out[i] = &rows[i].v
	}
	return out, nil
}

// SetDefaultPolicyVersion implements store.Store.
func (s *DB) SetDefaultPolicyVersion(ctx context.Context, arn, id string) error {
	return s.tx(ctx, func(tx conn) error {
		if _, err := policyForUpdate(ctx, tx, arn); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM policy_versions WHERE policy_arn = ? AND number = ?`, arn, versionNumber(id)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("version %s of policy %s: %w", id, arn, trustgate.ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `UPDATE managed_policies SET default_version = ? WHERE arn = ?`, id, arn)
		return err
	})
}

// DeletePolicyVersion implements store.Store.
func (s *DB) DeletePolicyVersion(ctx context.Context, arn, id string) error {
	return s.tx(ctx, func(tx conn) error {
		p, err := policyForUpdate(ctx, tx, arn)
		if err != nil {
			return err
		}
		n := versionNumber(id)
		if n == p.defaultVersion {
			return fmt.Errorf("version %s is the default of policy %s: %w", id, arn, trustgate.ErrConflict)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM policy_versions WHERE policy_arn = ? AND number = ?`, arn, n)
		return affected(res, err, "version "+id+" of policy "+arn)
	})
}

// PolicyUses implements store.Store.
func (s *DB) PolicyUses(ctx context.Context, account, arn string) (attached, boundaryOf []trustgate.Entity, err error) {
	scan := func(row interface{ Scan(...any) error }) (trustgate.Entity, error) {
		e := trustgate.Entity{Account: account}
		return e, row.Scan(&e.Kind, &e.Name)
	}
	attached, err = queryAll(ctx, s.q, scan, `SELECT entity_kind, entity_name FROM attached_policies
		WHERE account_id = ? AND policy_arn = ? ORDER BY entity_kind, entity_name`, account, arn)
	if err != nil {
		return nil, nil, err
	}
	boundaryOf, err = queryAll(ctx, s.q, scan, `SELECT 'role', name FROM roles WHERE account_id = ? AND boundary = ?
		UNION ALL SELECT 'user', name FROM users WHERE account_id = ? AND boundary = ? ORDER BY 1, 2`, account, arn, account, arn)
	return attached, boundaryOf, err
}
