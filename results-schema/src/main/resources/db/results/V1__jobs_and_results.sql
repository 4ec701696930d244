-- One organization's results database. results-service reads and writes it as the tenant role;
-- tenant-provisioner applies these migrations as an administrator.

CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    template_id      uuid        NOT NULL,
    template_name    text        NOT NULL,
    template_version integer     NOT NULL CHECK (template_version > 0),
    steps            jsonb       NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    inputs           jsonb       NOT NULL CHECK (jsonb_typeof(inputs) = 'object'),
    priority         smallint    NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    submitted_by     text        NOT NULL,
    error            text,
    dispatched_at    timestamptz,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL,
    version          bigint      NOT NULL DEFAULT 0,
    CHECK (finished_at IS NULL OR status IN ('succeeded', 'failed', 'cancelled'))
);
CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_status_created_idx ON jobs (status, created_at DESC, id DESC);
-- The dispatch sweeper looks for accepted jobs that have not reached the queue yet.
CREATE INDEX jobs_undispatched_idx ON jobs (created_at) WHERE dispatched_at IS NULL AND status = 'queued';

CREATE TABLE task_executions (
    id          uuid        PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_index  integer     NOT NULL CHECK (step_index >= 0),
    step_name   text        NOT NULL,
    task_name   text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    worker_id   text,
    attempt     integer     NOT NULL DEFAULT 1 CHECK (attempt > 0),
    started_at  timestamptz,
    finished_at timestamptz,
    error       text,
    CONSTRAINT task_executions_step_attempt_key UNIQUE (job_id, step_index, attempt)
);
CREATE INDEX task_executions_status_idx ON task_executions (status, job_id);

CREATE TABLE task_results (
    id           uuid             PRIMARY KEY,
    execution_id uuid             NOT NULL REFERENCES task_executions (id) ON DELETE CASCADE,
    data         jsonb            NOT NULL,
    confidence   double precision CHECK (confidence BETWEEN 0 AND 1),
    artifacts    jsonb            CHECK (artifacts IS NULL OR jsonb_typeof(artifacts) = 'array'),
    created_at   timestamptz      NOT NULL
);
CREATE INDEX task_results_execution_idx ON task_results (execution_id, id);

CREATE TABLE job_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    occurred_at timestamptz NOT NULL,
    kind        text        NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    message     text        CHECK (length(message) <= 2000),
    data        jsonb
);
CREATE INDEX job_events_job_idx ON job_events (job_id, id);

CREATE TABLE docking_results (
    id          bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    molecule_id uuid             NOT NULL,
    score       double precision NOT NULL,
    rank        integer          CHECK (rank > 0),
    poses       jsonb            NOT NULL CHECK (jsonb_typeof(poses) = 'array'),
    created_at  timestamptz      NOT NULL
);
-- Top N by score for a job, and one molecule's results across jobs (lower score binds better).
CREATE INDEX docking_results_job_score_idx ON docking_results (job_id, score, id);
CREATE INDEX docking_results_molecule_idx ON docking_results (molecule_id, score, id);
