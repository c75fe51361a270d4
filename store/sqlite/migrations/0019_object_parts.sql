-- The sizes of the parts of an object that a multipart upload made, as a
-- JSON array, for GetObject and HeadObject by part number; '' for an
-- object put whole.
ALTER TABLE objects ADD COLUMN part_sizes TEXT NOT NULL DEFAULT '';
