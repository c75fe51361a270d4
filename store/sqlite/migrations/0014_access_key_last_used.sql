-- When an access key was last used, and for which service and region.
ALTER TABLE access_keys ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0; -- 0: never
ALTER TABLE access_keys ADD COLUMN last_used_service TEXT NOT NULL DEFAULT '';
ALTER TABLE access_keys ADD COLUMN last_used_region TEXT NOT NULL DEFAULT '';
