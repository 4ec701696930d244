package io.tenantry.results.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * What the caller of a {@link ConnectionBudget} decision does once it has let go of its lock: hand leases to
 * requests, start the clock of requests that now wait, let requests whose tenant's slots closed ask again, and
 * close connections (telling the budget when each is closed, with its {@link Closing}).
 */
final class BudgetPlan<C, R> {

    record Grant<C, R>(R request, Lease<C, R> lease) {
    }

    /** A connection to {@code server} to close; {@code reclaimed} when it makes room for a tenant that has none. */
    record Closing<C>(String server, C connection, boolean reclaimed) {
    }

    private final List<Grant<C, R>> grants = new ArrayList<>();
    private final List<R> waits = new ArrayList<>();
    private final List<R> retries = new ArrayList<>();
    private final List<Closing<C>> closes = new ArrayList<>();

    void grant(R request, Lease<C, R> lease) {
        grants.add(new Grant<>(request, lease));
    }

    void waits(R request) {
        waits.add(request);
    }

    void retry(R request) {
        retries.add(request);
    }

    void close(Closing<C> closing) {
        closes.add(closing);
    }

    List<Grant<C, R>> grants() {
        return grants;
    }

    List<R> waits() {
        return waits;
    }

    List<R> retries() {
        return retries;
    }

    List<Closing<C>> closes() {
        return closes;
    }
}
