package io.tenantry.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something the system promises to do within a time, and says how long it took. */
public final class Eventually {

    private static final Duration PAUSE = Duration.ofMillis(50);

    private Eventually() {
    }

    /** How long {@code condition} took to hold; fails the test when it does not within {@code limit}. */
    public static Duration within(Duration limit, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                return fail(what + " did not happen within " + limit);
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting: " + what);
            }
        }
    }
}
