-- The rules of a bucket's lifecycle configuration, as a JSON array ('[]'
-- when it has none), and the smallest object its transitions move, as
-- the configuration named it ('' for S3's default).
ALTER TABLE buckets ADD COLUMN lifecycle TEXT NOT NULL DEFAULT '[]';
ALTER TABLE buckets ADD COLUMN lifecycle_minimum_size TEXT NOT NULL DEFAULT '';
