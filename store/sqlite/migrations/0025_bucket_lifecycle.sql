-- The rules of a bucket's lifecycle configuration, as a JSON array ('[]'
-- when it has none).
ALTER TABLE buckets ADD COLUMN lifecycle TEXT NOT NULL DEFAULT '[]';
