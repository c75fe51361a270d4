-- A bucket's default encryption (trustgate.BucketEncryption) as JSON;
-- '{}' is a new bucket's: SSE-S3, SSE-C blocked.
ALTER TABLE buckets ADD COLUMN encryption TEXT NOT NULL DEFAULT '{}';
