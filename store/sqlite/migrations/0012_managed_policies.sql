-- Customer managed policies and their versions. A policy is named by its
-- ARN everywhere else (attachments, boundaries), so the ARN is kept too.

CREATE TABLE managed_policies (
	account_id      TEXT NOT NULL REFERENCES accounts(id),
	name            TEXT NOT NULL COLLATE NOCASE,
	arn             TEXT NOT NULL UNIQUE,
	id              TEXT NOT NULL UNIQUE,
	path            TEXT NOT NULL,
	description     TEXT NOT NULL,
	default_version TEXT NOT NULL,
	last_version    INTEGER NOT NULL, -- the number of the newest version ever made: ids are never reused
	tags            TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	PRIMARY KEY (account_id, name)
);

CREATE TABLE policy_versions (
	policy_arn TEXT NOT NULL REFERENCES managed_policies(arn) ON DELETE CASCADE,
	number     INTEGER NOT NULL, -- the N of version id vN
	document   TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (policy_arn, number)
);
