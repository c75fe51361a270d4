-- S3 buckets and the metadata of their objects; the bodies are blobs in
-- the data directory, named by blob.

CREATE TABLE buckets (
	name                TEXT PRIMARY KEY,
	account_id          TEXT NOT NULL REFERENCES accounts(id),
	region              TEXT NOT NULL,
	created_at          INTEGER NOT NULL,
	policy              TEXT NOT NULL DEFAULT '',
	public_access_block TEXT NOT NULL,
	tags                TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX buckets_by_account ON buckets(account_id, name);

CREATE TABLE objects (
	bucket        TEXT NOT NULL REFERENCES buckets(name),
	key           TEXT NOT NULL,
	size          INTEGER NOT NULL,
	etag          TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	last_modified INTEGER NOT NULL,
	metadata      TEXT NOT NULL,
	headers       TEXT NOT NULL,
	blob          TEXT NOT NULL,
	PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
