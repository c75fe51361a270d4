-- A bucket's Transfer Acceleration state: '' when never set, Enabled or
-- Suspended.
ALTER TABLE buckets ADD COLUMN accelerate TEXT NOT NULL DEFAULT '';
