-- What results-service needs to hand jobs to workers safely and to enforce quotas cheaply.

-- Who holds a running job and until when: a worker that stops renewing its lease loses the job to the next
-- claim, which starts a new attempt. queue_message_id is the job's message on its Redis Stream.
ALTER TABLE jobs
    ADD COLUMN claimed_by       text CHECK (length(claimed_by) <= 300),
    ADD COLUMN attempt          integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN progress         smallint CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN queue_message_id text CHECK (length(queue_message_id) <= 100);

-- The queued-jobs quota counts these on every submission; the quota bounds how many there are.
CREATE INDEX jobs_queued_idx ON jobs (created_at) WHERE status = 'queued';

-- Submissions per hour, so the daily quota is a sum of 24 rows rather than a count of up to a day's jobs.
CREATE TABLE job_submissions_hourly (
    hour      timestamptz PRIMARY KEY,
    submitted integer     NOT NULL CHECK (submitted >= 0)
);

-- Executions are read per job in step order.
CREATE INDEX task_executions_job_idx ON task_executions (job_id, step_index, attempt);

-- One molecule's results within one job, best first.
CREATE INDEX docking_results_job_molecule_idx ON docking_results (job_id, molecule_id, score, id);

-- The timeline is a record of what happened: rows are added, never changed or removed.
CREATE FUNCTION job_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'job_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER job_events_no_update_or_delete BEFORE UPDATE OR DELETE ON job_events
    FOR EACH ROW EXECUTE FUNCTION job_events_are_append_only();
CREATE TRIGGER job_events_no_truncate BEFORE TRUNCATE ON job_events
    FOR EACH STATEMENT EXECUTE FUNCTION job_events_are_append_only();
