package io.tenantry.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A long operation's progress as it is followed: on a terminal one line redrawn in place; elsewhere the line printed
 * now and then and whenever the state changes, so a log stays readable.
 */
final class ProgressLine {

    private final PrintWriter out;
    private final boolean terminal;
    private final Duration plainEvery;
    private long lastPrintedNanos;
    private String lastState;

    ProgressLine(PrintWriter out, boolean terminal, Duration plainEvery) {
        this.out = out;
        this.terminal = terminal;
        this.plainEvery = plainEvery;
    }

    void show(String state, boolean ended, String line) {
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + line + "\033[K");
            if (ended) {
                out.println();
            }
        } else if (ended || !state.equals(lastState) || now - lastPrintedNanos >= plainEvery.toNanos()) {
            out.println(line);
            lastPrintedNanos = now;
        }
        lastState = state;
        out.flush();
    }
}
