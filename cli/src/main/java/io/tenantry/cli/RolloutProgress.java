package io.tenantry.cli;

import java.io.PrintWriter;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rollout's progress as it is followed: on a terminal one line redrawn in place, a bar with done / failed /
 * remaining, the rate since following began and the time left at that rate; elsewhere the same line printed now and
 * then (and whenever the status changes), so a log stays readable.
 */
final class RolloutProgress {

    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final Duration plainEvery;
    private final long startedNanos = System.nanoTime();
    private int doneAtStart = -1;
    private long lastPrintedNanos;
    private String lastStatus;

    RolloutProgress(PrintWriter out, boolean terminal, Duration plainEvery) {
        this.out = out;
        this.terminal = terminal;
        this.plainEvery = plainEvery;
    }

    void show(JsonNode rollout) {
        String status = rollout.path("status").asText();
        boolean ended = !status.equals("running") && !status.equals("paused");
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + line(rollout, now) + "\033[K");
            if (ended) {
                out.println();
            }
        } else if (ended || !status.equals(lastStatus) || now - lastPrintedNanos >= plainEvery.toNanos()) {
            out.println(line(rollout, now));
            lastPrintedNanos = now;
        }
        lastStatus = status;
        out.flush();
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
