-- A second results migration, only for the rollout tests.
ALTER TABLE jobs ADD COLUMN note text;
