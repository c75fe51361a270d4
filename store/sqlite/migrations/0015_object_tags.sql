-- Object tags, and the tags a multipart upload gives its object.
ALTER TABLE objects ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
