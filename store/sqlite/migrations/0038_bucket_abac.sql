-- Whether a bucket's tags take part in decisions on it (its attribute-
-- based access control): off until the owner turns it on.
ALTER TABLE buckets ADD COLUMN abac INTEGER NOT NULL DEFAULT 0;
