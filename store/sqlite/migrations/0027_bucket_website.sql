-- A bucket's website configuration, as JSON ('' when it has none).
ALTER TABLE buckets ADD COLUMN website TEXT NOT NULL DEFAULT '';
