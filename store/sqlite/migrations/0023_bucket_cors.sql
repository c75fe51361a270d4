-- A bucket's CORS rules (trustgate.CORSRule) as a JSON array; '[]' is a
-- bucket without a CORS configuration, as every bucket is when created.
ALTER TABLE buckets ADD COLUMN cors TEXT NOT NULL DEFAULT '[]';
