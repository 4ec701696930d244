package io.tenantry.cli;

import java.io.PrintWriter;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rollout's progress as it is followed, shown as a {@link ProgressLine}: a bar with done / failed / remaining, the
 * rate since following began and the time left at that rate.
 */
final class RolloutProgress {

    private static final int BAR = 30;

    private final ProgressLine progress;
    private final long startedNanos = System.nanoTime();
    private int doneAtStart = -1;

    RolloutProgress(PrintWriter out, boolean terminal, Duration plainEvery) {
        this.progress = new ProgressLine(out, terminal, plainEvery);
    }

    void show(JsonNode rollout) {
        String status = rollout.path("status").asText();
        progress.show(status, !status.equals("running") && !status.equals("paused"), line(rollout, System.nanoTime()));
    }

    String line(JsonNode rollout, long now) {
        int total = rollout.path("total").asInt();
        int succeeded = rollout.path("succeeded").asInt();
        int failed = rollout.path("failed").asInt();
        int pending = rollout.path("pending").asInt();
        int done = succeeded + failed;
        if (doneAtStart < 0) {
            doneAtStart = done;
        }
        double seconds = Math.max(0.001, (now - startedNanos) / 1e9);
        double rate = (done - doneAtStart) / seconds;
        int filled = total == 0 ? BAR : (int) Math.round(BAR * (double) done / total);
        String eta = rate > 0 ? formatDuration((long) Math.ceil(pending / rate)) : "-";
        return String.format("%-9s [%s%s] %d/%d done, %d failed, %d remaining, %.1f tenants/s, ETA %s",
                rollout.path("status").asText(), "#".repeat(filled), ".".repeat(BAR - filled), done, total, failed,
                pending, rate, pending == 0 ? "0s" : eta);
    }

    static String formatDuration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format("%02d", seconds % 3600 / 60) + "m";
    }
}
