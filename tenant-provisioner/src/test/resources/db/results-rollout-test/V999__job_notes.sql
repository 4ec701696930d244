-- A results migration newer than any real one, only for the rollout tests.
ALTER TABLE jobs ADD COLUMN note text;
