-- Inverse of V2__job_claims_and_queue.sql, in the reverse order of what it made. The claim columns, the hourly
-- submission counts and the timeline's append-only guard are lost; the V1 tables and their rows stay.
DROP TRIGGER job_events_no_truncate ON job_events;
DROP TRIGGER job_events_no_update_or_delete ON job_events;
DROP FUNCTION job_events_are_append_only();

DROP INDEX docking_results_job_molecule_idx;
DROP INDEX task_executions_job_idx;
DROP TABLE job_submissions_hourly;
DROP INDEX jobs_queued_idx;

ALTER TABLE jobs
    DROP COLUMN queue_message_id,
    DROP COLUMN progress,
    DROP COLUMN lease_expires_at,
    DROP COLUMN attempt,
    DROP COLUMN claimed_by;
