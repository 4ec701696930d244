package io.tenantry.results.work;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.results.store.DockingResultStore;

/**
 * What workers send. {@code worker} names the worker process; with the token's subject it is the identity that
 * holds a job, so two processes sharing one API client never act on each other's jobs.
 */
public final class WorkRequests {

    public static final String WORKER = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$";
    private static final String WORKER_MESSAGE = "must be 1 to 100 letters, digits, '.', '_', ':' or '-'";

    private WorkRequests() {
    }

    public record Next(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker) {
    }

    public record Progress(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker,
                           @Min(0) @Max(100) Integer progress, @Size(max = 2000) String message, JsonNode data) {
    }

    public record Step(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker,
                       @NotNull @Pattern(regexp = "^(running|succeeded|failed)$",
                               message = "must be running, succeeded or failed") String status,
                       @Size(max = 2000) String error) {
    }

    @Schema(name = "TaskResultReport", description = "A task result a worker reports for a step it ran")
    public record TaskResult(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker,
                             @NotNull JsonNode data,
                             @DecimalMin("0") @DecimalMax("1") Double confidence,
                             JsonNode artifacts) {
    }

    /** Thousands of poses in one request, stored in one statement. */
    public record DockingBatch(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker,
                               @NotNull @Size(min = 1) List<DockingResultStore.@NotNull @Valid NewResult> results) {
    }

    public record Finish(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker) {
    }

    public record Failure(@NotNull @Pattern(regexp = WORKER, message = WORKER_MESSAGE) String worker,
                          @NotBlank @Size(max = 2000) String error) {
    }
}
