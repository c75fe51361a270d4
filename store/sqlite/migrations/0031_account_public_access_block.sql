-- An account's Block Public Access, set through S3 Control, as JSON ('' when
-- it has none).
ALTER TABLE accounts ADD COLUMN public_access_block TEXT NOT NULL DEFAULT '';
