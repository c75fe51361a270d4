-- Objects move to a table with rowids. In a WITHOUT ROWID table the rows
-- are the primary key's B-tree, and its interior pages carry whole rows:
-- with bodies of up to 64 KiB in them, a page held a handful of objects,
-- the tree grew deep, and every lookup and insert paid for it. Here the
-- rows live in the rowid B-tree, appended at its end, and (bucket, key)
-- is a small unique index beside it.

CREATE TABLE objects_by_rowid (
	bucket        TEXT NOT NULL REFERENCES buckets(name),
	key           TEXT NOT NULL,
	size          INTEGER NOT NULL,
	etag          TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	last_modified INTEGER NOT NULL,
	metadata      TEXT NOT NULL,
	headers       TEXT NOT NULL,
	blob          TEXT NOT NULL,
	tags          TEXT NOT NULL DEFAULT '[]',
	body          BLOB,
	UNIQUE (bucket, key)
);
INSERT INTO objects_by_rowid (bucket, key, size, etag, content_type, last_modified, metadata, headers, blob, tags, body)
	SELECT bucket, key, size, etag, content_type, last_modified, metadata, headers, blob, tags, body FROM objects ORDER BY bucket, key;
DROP TABLE objects;
ALTER TABLE objects_by_rowid RENAME TO objects;
