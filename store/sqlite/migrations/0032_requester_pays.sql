-- Whether a bucket is Requester Pays (1) or its owner pays (0).
ALTER TABLE buckets ADD COLUMN requester_pays INTEGER NOT NULL DEFAULT 0;
