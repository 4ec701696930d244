-- The inverse of V999__job_notes.sql, beside it as a staged migration's inverse lives; Flyway skips it.
ALTER TABLE jobs DROP COLUMN note;
