-- A bucket's event notification configuration, as JSON ('' when it has
-- none).
ALTER TABLE buckets ADD COLUMN notification TEXT NOT NULL DEFAULT '';
