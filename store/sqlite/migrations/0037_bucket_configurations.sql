-- The configurations a bucket keeps by ID (analytics, inventory, metrics,
-- Intelligent-Tiering), each as S3 reads it back. They go with their
-- bucket.
CREATE TABLE bucket_configurations (
	bucket   TEXT NOT NULL REFERENCES buckets(name),
	kind     TEXT NOT NULL,
	id       TEXT NOT NULL,
	document TEXT NOT NULL,
	PRIMARY KEY (bucket, kind, id)
) WITHOUT ROWID;
