-- The organization, its accounts, and the IAM entities they hold.

CREATE TABLE organization (
	id                 TEXT PRIMARY KEY,
	root_id            TEXT NOT NULL,
	management_account TEXT NOT NULL,
	created_at         INTEGER NOT NULL
);

CREATE TABLE accounts (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	email      TEXT NOT NULL,
	parent_id  TEXT NOT NULL,
	status     TEXT NOT NULL,
	joined_at  INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE users (
	account_id TEXT NOT NULL REFERENCES accounts(id),
	name       TEXT NOT NULL COLLATE NOCASE,
	id         TEXT NOT NULL UNIQUE,
	path       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, name)
);

-- Secrets are sealed with the deployment key: never stored in the clear.
CREATE TABLE access_keys (
	id            TEXT PRIMARY KEY,
	account_id    TEXT NOT NULL REFERENCES accounts(id),
	user_name     TEXT NOT NULL COLLATE NOCASE, -- '' for the root user
	secret_sealed BLOB NOT NULL,
	status        TEXT NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys(account_id, user_name);
