package io.tenantry.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Follows an operation a service runs in the background (an organization's status change, a backup, a restore or
 * clone, a move) by reading its resource until it has ended, showing a {@link ProgressLine} meanwhile.
 */
final class Follow {

    /** What an operation's resource shows while it is followed: its state, when it has ended, its progress line. */
    record Progress(String stateField, Predicate<JsonNode> ended, Function<JsonNode, String> line) {

        String state(JsonNode view) {
            return view.path(stateField).asText();
        }
    }

    private Follow() {
    }

    /**
     * Reads {@code path} every {@code interval} until {@code progress} says it has ended, and returns that last view;
     * progress lines go to {@code out} unless it is null. Not ended in time: a failure naming {@code what} and the
     * state it is in.
     */
    static JsonNode until(PlatformClient api, PlatformClient.Service service, String path, String what, Progress progress,
                          PrintWriter out, Duration interval, int timeoutSeconds) {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        ProgressLine shown = out == null ? null : new ProgressLine(out, TenantryCli.onTerminal(), Duration.ofSeconds(10));
        while (true) {
            JsonNode view = api.get(service, path);
            boolean ended = progress.ended().test(view);
            if (shown != null) {
                shown.show(progress.state(view), ended, progress.line().apply(view));
            }
            if (ended) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                throw new CliFailure(ExitCodes.FAILED, what + " is still " + progress.state(view) + " after "
                        + timeoutSeconds + " s");
            }
            sleep(interval.toMillis());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.FAILED, "interrupted");
        }
    }
}
