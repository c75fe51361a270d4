-- Organizations: OUs, the policies created in the organization, their
-- attachments, the policy types enabled on the root, tags of roots, OUs,
-- accounts and policies, and the records of CreateAccount requests.

ALTER TABLE organization ADD COLUMN policy_types TEXT NOT NULL DEFAULT '[]';

CREATE TABLE org_units (
	id         TEXT PRIMARY KEY,
	parent_id  TEXT NOT NULL,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX org_units_by_parent ON org_units(parent_id, name);

CREATE TABLE org_policies (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	type        TEXT NOT NULL,
	document    TEXT NOT NULL
);

-- Attachments name AWS's own policies (p-FullAWSAccess) as well.
CREATE TABLE org_attachments (
	policy_id TEXT NOT NULL,
	target_id TEXT NOT NULL,
	PRIMARY KEY (policy_id, target_id)
);
CREATE INDEX org_attachments_by_target ON org_attachments(target_id);

CREATE TABLE org_tags (
	resource_id TEXT PRIMARY KEY,
	tags        TEXT NOT NULL
);

CREATE TABLE create_account_statuses (
	id             TEXT PRIMARY KEY,
	account_name   TEXT NOT NULL,
	account_id     TEXT NOT NULL,
	state          TEXT NOT NULL,
	failure_reason TEXT NOT NULL,
	requested_at   INTEGER NOT NULL,
	completed_at   INTEGER NOT NULL
);
