-- Bucket versioning. A bucket keeps its state and whether MFA delete was
-- named; an object row its version ('' is the null version). The objects
-- table keeps each key's current version when that is an object, as
-- before, so reads and listings of current objects do not change; the
-- versions a key had before, and its delete markers, are in
-- object_versions, oldest first by rowid. A key's row in objects, when it
-- has one, is newer than all of its rows here.

ALTER TABLE buckets ADD COLUMN versioning TEXT NOT NULL DEFAULT '';
ALTER TABLE buckets ADD COLUMN mfa_delete TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT '';

CREATE TABLE object_versions (
	bucket         TEXT NOT NULL REFERENCES buckets(name),
	key            TEXT NOT NULL,
	size           INTEGER NOT NULL,
	etag           TEXT NOT NULL,
	content_type   TEXT NOT NULL,
	last_modified  INTEGER NOT NULL,
	metadata       TEXT NOT NULL,
	headers        TEXT NOT NULL,
	blob           TEXT NOT NULL,
	tags           TEXT NOT NULL,
	part_sizes     TEXT NOT NULL,
	part_checksums TEXT NOT NULL,
	version_id     TEXT NOT NULL,
	delete_marker  INTEGER NOT NULL,
	body           BLOB,
	UNIQUE (bucket, key, version_id)
);
CREATE INDEX object_versions_by_key ON object_versions (bucket, key);
