-- The LocationConstraint a bucket was created with when it is an old
-- name of its region ("EU" for eu-west-1), which GetBucketLocation
-- answers with; '' for every other bucket.
ALTER TABLE buckets ADD COLUMN location_constraint TEXT NOT NULL DEFAULT '';
