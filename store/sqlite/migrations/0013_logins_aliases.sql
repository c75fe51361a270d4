-- Login profiles (console passwords, as bcrypt hashes) and account aliases.

CREATE TABLE login_profiles (
	account_id     TEXT NOT NULL,
	user_name      TEXT NOT NULL COLLATE NOCASE,
	password_hash  TEXT NOT NULL,
	reset_required INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (account_id, user_name),
	FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
);

-- An alias is unique across the deployment, as in AWS across all accounts.
CREATE TABLE account_aliases (
	alias      TEXT NOT NULL PRIMARY KEY,
	account_id TEXT NOT NULL UNIQUE REFERENCES accounts(id)
);
