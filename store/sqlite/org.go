package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

// CreateMemberAccount implements store.Store.
func (s *DB) CreateMemberAccount(ctx context.Context, m *trustgate.MemberAccount) error {
	return s.tx(ctx, func(tx conn) error {
		if m.Account != nil {
			if err := insertAccount(ctx, tx, m.Account); err != nil {
				return err
			}
		}
		if m.Account != nil && m.Role != nil {
			if err := insertRole(ctx, tx, m.Role); err != nil {
				return err
			}
			for _, arn := range m.Attached {
				if _, err := tx.ExecContext(ctx, `INSERT INTO attached_policies (account_id, entity_kind, entity_name, policy_arn) VALUES (?, 'role', ?, ?)`,
					m.Account.ID, m.Role.Name, arn); err != nil {
					return err
				}
			}
		}
		st := m.Status
		_, err := tx.ExecContext(ctx, `INSERT INTO create_account_statuses (id, account_name, account_id, state, failure_reason, requested_at, completed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, st.ID, st.AccountName, st.AccountID, st.State, st.FailureReason, unix(st.RequestedAt), unix(st.CompletedAt))
		return err
	})
}

// requireParent fails with ErrNotFound unless id is the root or an OU.
func requireParent(ctx context.Context, tx conn, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM organization WHERE root_id = ?) + (SELECT count(*) FROM org_units WHERE id = ?)`,
		id, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("parent %s: %w", id, trustgate.ErrNotFound)
	}
	return nil
}

// MoveAccount implements store.Store.
func (s *DB) MoveAccount(ctx context.Context, id, from, to string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireParent(ctx, tx, to); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET parent_id = ? WHERE id = ? AND parent_id = ?`, to, id, from)
		return affected(res, err, "account "+id+" in "+from)
	})
}

// SetPolicyTypes implements store.Store.
func (s *DB) SetPolicyTypes(ctx context.Context, types []string) error {
	b, _ := json.Marshal(append([]string{}, types...))
	_, err := s.q.ExecContext(ctx, `UPDATE organization SET policy_types = ?`, string(b))
	return err
}

// CreateOU implements store.Store.
func (s *DB) CreateOU(ctx context.Context, ou *trustgate.OrganizationalUnit) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireParent(ctx, tx, ou.ParentID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO org_units (id, parent_id, name, created_at) VALUES (?, ?, ?, ?)`,
			ou.ID, ou.ParentID, ou.Name, unix(ou.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("OU %s in %s: %w", ou.Name, ou.ParentID, trustgate.ErrConflict)
		}
		return err
	})
}

func scanOU(row interface{ Scan(...any) error }) (*trustgate.OrganizationalUnit, error) {
	var ou trustgate.OrganizationalUnit
	var created int64
	err := row.Scan(&ou.ID, &ou.ParentID, &ou.Name, &created)
	ou.CreatedAt = fromUnix(created)
	return &ou, err
}

// OU implements store.Store.
func (s *DB) OU(ctx context.Context, id string) (*trustgate.OrganizationalUnit, error) {
	ou, err := scanOU(s.q.QueryRowContext(ctx, `SELECT id, parent_id, name, created_at FROM org_units WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("OU %s: %w", id, trustgate.ErrNotFound)
	}
	return ou, err
}

// OUs implements store.Store.
func (s *DB) OUs(ctx context.Context) ([]*trustgate.OrganizationalUnit, error) {
	return queryAll(ctx, s.q, scanOU, `SELECT id, parent_id, name, created_at FROM org_units ORDER BY id`)
}

// RenameOU implements store.Store.
func (s *DB) RenameOU(ctx context.Context, id, name string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE org_units SET name = ? WHERE id = ?`, name, id)
	if isConstraint(err) {
		return fmt.Errorf("OU %s: %w", name, trustgate.ErrConflict)
	}
	return affected(res, err, "OU "+id)
}

// DeleteOU implements store.Store.
func (s *DB) DeleteOU(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx conn) error {
		for _, dep := range []struct{ what, query string }{
			{"accounts", `SELECT count(*) FROM accounts WHERE parent_id = ?`},
			{"OUs", `SELECT count(*) FROM org_units WHERE parent_id = ?`},
		} {
			if err := noDependents(ctx, tx, "OU "+id, dep.what, dep.query, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM org_units WHERE id = ?`, id)
		if err := affected(res, err, "OU "+id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM org_attachments WHERE target_id = ?`, `DELETE FROM org_tags WHERE resource_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateOrgPolicy implements store.Store.
func (s *DB) CreateOrgPolicy(ctx context.Context, p *trustgate.OrgPolicy) error {
	return s.tx(ctx, func(tx conn) error {
		if err := uniquePolicyName(ctx, tx, p); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO org_policies (id, name, description, type, document) VALUES (?, ?, ?, ?, ?)`,
			p.ID, p.Name, p.Description, p.Type, p.Document)
		if isConstraint(err) {
			return fmt.Errorf("policy %s: %w", p.ID, trustgate.ErrConflict)
		}
		return err
	})
}

// uniquePolicyName fails with ErrConflict when another policy has p's name.
func uniquePolicyName(ctx context.Context, tx conn, p *trustgate.OrgPolicy) error {
	return noDependents(ctx, tx, "the organization", "policies named "+p.Name,
		`SELECT count(*) FROM org_policies WHERE name = ? AND id != ?`, p.Name, p.ID)
}

func scanOrgPolicy(row interface{ Scan(...any) error }) (*trustgate.OrgPolicy, error) {
	var p trustgate.OrgPolicy
	return &p, row.Scan(&p.ID, &p.Name, &p.Description, &p.Type, &p.Document)
}

// OrgPolicy implements store.Store.
func (s *DB) OrgPolicy(ctx context.Context, id string) (*trustgate.OrgPolicy, error) {
	p, err := scanOrgPolicy(s.q.QueryRowContext(ctx, `SELECT id, name, description, type, document FROM org_policies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s: %w", id, trustgate.ErrNotFound)
	}
	return p, err
}

// OrgPolicies implements store.Store.
func (s *DB) OrgPolicies(ctx context.Context) ([]*trustgate.OrgPolicy, error) {
	return queryAll(ctx, s.q, scanOrgPolicy, `SELECT id, name, description, type, document FROM org_policies ORDER BY name`)
}

// UpdateOrgPolicy implements store.Store.
func (s *DB) UpdateOrgPolicy(ctx context.Context, id string, change func(*trustgate.OrgPolicy) error) error {
	return s.tx(ctx, func(tx conn) error {
		p, err := changeRow(tx.QueryRowContext(ctx, `SELECT id, name, description, type, document FROM org_policies WHERE id = ?`, id),
			scanOrgPolicy, "policy "+id, change)
		if err != nil {
			return err
		}
		if err := uniquePolicyName(ctx, tx, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE org_policies SET name = ?, description = ?, document = ? WHERE id = ?`,
			p.Name, p.Description, p.Document, id)
		return err
	})
}

// DeleteOrgPolicy implements store.Store.
func (s *DB) DeleteOrgPolicy(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := noDependents(ctx, tx, "policy "+id, "attachments", `SELECT count(*) FROM org_attachments WHERE policy_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM org_policies WHERE id = ?`, id)
		if err := affected(res, err, "policy "+id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM org_tags WHERE resource_id = ?`, id)
		return err
	})
}

// AttachOrgPolicy implements store.Store.
func (s *DB) AttachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO org_attachments (policy_id, target_id) VALUES (?, ?)`, a.PolicyID, a.TargetID)
	if isConstraint(err) {
		return fmt.Errorf("policy %s on %s: %w", a.PolicyID, a.TargetID, trustgate.ErrConflict)
	}
	return err
}

// DetachOrgPolicy implements store.Store.
func (s *DB) DetachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM org_attachments WHERE policy_id = ? AND target_id = ?`, a.PolicyID, a.TargetID)
	return affected(res, err, "policy "+a.PolicyID+" on "+a.TargetID)
}

// OrgAttachments implements store.Store.
func (s *DB) OrgAttachments(ctx context.Context) ([]trustgate.OrgAttachment, error) {
	return queryAll(ctx, s.q, func(row interface{ Scan(...any) error }) (trustgate.OrgAttachment, error) {
		var a trustgate.OrgAttachment
		return a, row.Scan(&a.PolicyID, &a.TargetID)
	}, `SELECT policy_id, target_id FROM org_attachments ORDER BY policy_id, target_id`)
}

// OrgTags implements store.Store.
func (s *DB) OrgTags(ctx context.Context, id string) ([]trustgate.Tag, error) {
	var tags string
	err := s.q.QueryRowContext(ctx, `SELECT tags FROM org_tags WHERE resource_id = ?`, id).Scan(&tags)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseTags(tags)
}

// SetOrgTags implements store.Store.
func (s *DB) SetOrgTags(ctx context.Context, id string, tags []trustgate.Tag) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO org_tags (resource_id, tags) VALUES (?, ?) ON CONFLICT (resource_id) DO UPDATE SET tags = excluded.tags`,
		id, tagsJSON(tags))
	return err
}

// UpdateOrgTags implements store.Store.
func (s *DB) UpdateOrgTags(ctx context.Context, id string, change func([]trustgate.Tag) ([]trustgate.Tag, error)) error {
	return s.tx(ctx, func(tx conn) error {
		column := "[]" // a resource without a row has no tags
		err := tx.QueryRowContext(ctx, `SELECT tags FROM org_tags WHERE resource_id = ?`, id).Scan(&column)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		tags, err := parseTags(column)
		if err != nil {
			return err
		}
		if tags, err = change(tags); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO org_tags (resource_id, tags) VALUES (?, ?) ON CONFLICT (resource_id) DO UPDATE SET tags = excluded.tags`,
			id, tagsJSON(tags))
		return err
	})
}

func scanCreateAccountStatus(row interface{ Scan(...any) error }) (*trustgate.CreateAccountStatus, error) {
	var st trustgate.CreateAccountStatus
	var requested, completed int64
	err := row.Scan(&st.ID, &st.AccountName, &st.AccountID, &st.State, &st.FailureReason, &requested, &completed)
	st.RequestedAt, st.CompletedAt = fromUnix(requested), fromUnix(completed)
	return &st, err
}

const createAccountStatusColumns = `id, account_name, account_id, state, failure_reason, requested_at, completed_at`

// CreateAccountStatus implements store.Store.
func (s *DB) CreateAccountStatus(ctx context.Context, id string) (*trustgate.CreateAccountStatus, error) {
	st, err := scanCreateAccountStatus(s.q.QueryRowContext(ctx, `SELECT `+createAccountStatusColumns+` FROM create_account_statuses WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("create account request %s: %w", id, trustgate.ErrNotFound)
	}
	return st, err
}

// CreateAccountStatuses implements store.Store.
func (s *DB) CreateAccountStatuses(ctx context.Context) ([]*trustgate.CreateAccountStatus, error) {
	return queryAll(ctx, s.q, scanCreateAccountStatus, `SELECT `+createAccountStatusColumns+` FROM create_account_statuses ORDER BY requested_at DESC, id`)
}
