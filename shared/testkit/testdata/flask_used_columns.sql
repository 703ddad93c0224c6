-- Columns the original's code reads and writes but its creation code
-- never adds; a production database has them from older migrations.
ALTER TABLE questions ADD COLUMN tags TEXT;
ALTER TABLE questions ADD COLUMN created_by INTEGER;
ALTER TABLE questions ADD COLUMN updated_at DATETIME;
ALTER TABLE mistakes ADD COLUMN wrong_count INTEGER DEFAULT 1;
ALTER TABLE mistakes ADD COLUMN updated_at DATETIME;
