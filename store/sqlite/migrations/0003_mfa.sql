-- Virtual MFA devices. Seeds are sealed with the deployment key: never
-- stored in the clear.

CREATE TABLE mfa_devices (
	account_id     TEXT NOT NULL REFERENCES accounts(id),
	serial_number  TEXT NOT NULL COLLATE NOCASE,
	name           TEXT NOT NULL,
	path           TEXT NOT NULL,
	seed_sealed    BLOB NOT NULL,
	user_name      TEXT NOT NULL COLLATE NOCASE, -- '' while unassigned
	enable_date    INTEGER NOT NULL,              -- 0 while unassigned
	last_used_step INTEGER NOT NULL,              -- TOTP step of the last code accepted
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (account_id, serial_number)
);
CREATE INDEX mfa_devices_by_user ON mfa_devices(account_id, user_name);
