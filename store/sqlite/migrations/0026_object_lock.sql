-- Object Lock. A bucket keeps its configuration as JSON ('{}' when it
-- has none); an object's version its retention and legal hold, as JSON
-- ('' when it has neither, as most versions do).
ALTER TABLE buckets ADD COLUMN object_lock TEXT NOT NULL DEFAULT '{}';
ALTER TABLE objects ADD COLUMN object_lock TEXT NOT NULL DEFAULT '';
ALTER TABLE object_versions ADD COLUMN object_lock TEXT NOT NULL DEFAULT '';
