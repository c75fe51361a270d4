-- An access point's tags, as JSON.
ALTER TABLE access_points ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
