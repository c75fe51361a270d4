-- Multipart uploads in progress and their parts; each part's body is a
-- blob until the upload completes.

CREATE TABLE uploads (
	id           TEXT PRIMARY KEY,
	bucket       TEXT NOT NULL REFERENCES buckets(name),
	key          TEXT NOT NULL,
	account_id   TEXT NOT NULL,
	initiator    TEXT NOT NULL,
	initiated    INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	metadata     TEXT NOT NULL,
	headers      TEXT NOT NULL
);
CREATE INDEX uploads_by_bucket ON uploads(bucket, key, initiated);

CREATE TABLE parts (
	upload_id     TEXT NOT NULL REFERENCES uploads(id),
	number        INTEGER NOT NULL,
	size          INTEGER NOT NULL,
	etag          TEXT NOT NULL,
	blob          TEXT NOT NULL,
	last_modified INTEGER NOT NULL,
	PRIMARY KEY (upload_id, number)
) WITHOUT ROWID;
