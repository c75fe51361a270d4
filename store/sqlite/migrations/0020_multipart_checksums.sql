-- The checksum algorithm and type a multipart upload was created with,
-- each part's checksum of that algorithm, and the parts' checksums of
-- the object the upload made, as a JSON array ('' when it had none).
ALTER TABLE uploads ADD COLUMN checksum_algorithm TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN checksum_type TEXT NOT NULL DEFAULT '';
ALTER TABLE parts ADD COLUMN checksum TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN part_checksums TEXT NOT NULL DEFAULT '';
