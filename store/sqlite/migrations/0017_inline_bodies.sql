-- The bodies of small objects, kept in their rows rather than as blob
-- files: NULL for an object whose body is a blob.
ALTER TABLE objects ADD COLUMN body BLOB;
