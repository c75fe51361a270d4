-- Where a bucket's server access logs go, as JSON ('' when it has no
-- logging).
ALTER TABLE buckets ADD COLUMN logging TEXT NOT NULL DEFAULT '';
