-- S3 access points: named ways into a bucket, each with a policy of its
-- own. A name is its account's; an alias is unique everywhere. A bucket
-- cannot be deleted while an access point leads to it, as in S3.
CREATE TABLE access_points (
	account_id          TEXT NOT NULL REFERENCES accounts(id),
	name                TEXT NOT NULL,
	region              TEXT NOT NULL,
	bucket              TEXT NOT NULL,
	bucket_account_id   TEXT NOT NULL,
	alias               TEXT NOT NULL UNIQUE,
	vpc_id              TEXT NOT NULL DEFAULT '',
	public_access_block TEXT NOT NULL,
	policy              TEXT NOT NULL DEFAULT '',
	created_at          INTEGER NOT NULL,
	PRIMARY KEY (account_id, name)
);
CREATE INDEX access_points_by_bucket ON access_points(bucket);
