-- Inverse of V1__jobs_and_results.sql: the five tables go, with their rows, indexes, constraints and identity
-- sequences; dependants first.
DROP TABLE docking_results;
DROP TABLE job_events;
DROP TABLE task_results;
DROP TABLE task_executions;
DROP TABLE jobs;
