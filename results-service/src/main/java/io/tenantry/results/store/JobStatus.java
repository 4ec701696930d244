package io.tenantry.results.store;

import java.util.Locale;
import java.util.Set;

import io.tenantry.common.problem.ApiProblem;

/** A job's life: queued → running → succeeded | failed, and cancelled from either live state. Nothing else. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public static JobStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED).contains(next);
            case RUNNING -> Set.of(SUCCEEDED, FAILED, CANCELLED).contains(next);
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }

    /** 409 unless the job may move to {@code next}. */
    public static void requireTransition(JobView job, JobStatus next) {
        JobStatus current = of(job.status());
        if (!current.canMoveTo(next)) {
            throw ApiProblem.conflict(
                    "job " + job.id() + " is " + current.wire() + " and cannot become " + next.wire());
        }
    }
}
