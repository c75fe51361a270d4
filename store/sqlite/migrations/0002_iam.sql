-- Groups, roles, and the policies on users, groups and roles.

ALTER TABLE users ADD COLUMN boundary TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

CREATE TABLE groups (
	account_id TEXT NOT NULL REFERENCES accounts(id),
	name       TEXT NOT NULL COLLATE NOCASE,
	id         TEXT NOT NULL UNIQUE,
	path       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, name)
);

CREATE TABLE group_members (
	account_id TEXT NOT NULL,
	group_name TEXT NOT NULL COLLATE NOCASE,
	user_name  TEXT NOT NULL COLLATE NOCASE,
	PRIMARY KEY (account_id, group_name, user_name),
	FOREIGN KEY (account_id, group_name) REFERENCES groups(account_id, name) ON DELETE CASCADE,
	FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members(account_id, user_name);

CREATE TABLE roles (
	account_id           TEXT NOT NULL REFERENCES accounts(id),
	name                 TEXT NOT NULL COLLATE NOCASE,
	id                   TEXT NOT NULL UNIQUE,
	path                 TEXT NOT NULL,
	trust_policy         TEXT NOT NULL,
	description          TEXT NOT NULL,
	max_session_duration INTEGER NOT NULL,
	boundary             TEXT NOT NULL,
	tags                 TEXT NOT NULL,
	created_at           INTEGER NOT NULL,
	PRIMARY KEY (account_id, name)
);

-- Inline policies of users, groups and roles (kind 'user', 'group', 'role').
CREATE TABLE inline_policies (
	account_id  TEXT NOT NULL,
	entity_kind TEXT NOT NULL,
	entity_name TEXT NOT NULL COLLATE NOCASE,
	name        TEXT NOT NULL COLLATE NOCASE,
	document    TEXT NOT NULL,
	PRIMARY KEY (account_id, entity_kind, entity_name, name)
);

-- Managed policies attached to users, groups and roles, by ARN.
CREATE TABLE attached_policies (
	account_id  TEXT NOT NULL,
	entity_kind TEXT NOT NULL,
	entity_name TEXT NOT NULL COLLATE NOCASE,
	policy_arn  TEXT NOT NULL,
	PRIMARY KEY (account_id, entity_kind, entity_name, policy_arn)
);
CREATE INDEX attached_policies_by_arn ON attached_policies(policy_arn);
