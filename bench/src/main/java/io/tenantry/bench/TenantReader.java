package io.tenantry.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tenantry.devlauncher.Api;

/**
 * One reader of a tenant through results-service, a request every 10 ms or so (without a pause it would take a core
 * of two away from the operation it watches), taking turns over its paths, recording each answer's status and when
 * its request was sent. Refused is anything but 200.
 */
final class TenantReader implements Runnable {

    private static final Duration PAUSE = Duration.ofMillis(10);

    private final BenchPlatform bench;
    private final Tenants.Seeded tenant;
    private final List<URI> paths;
    private final List<long[]> answers = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Reads the tenant's seeded job. */
    TenantReader(BenchPlatform bench, Tenants.Seeded tenant) {
        this(bench, tenant, List.of("/jobs/" + tenant.jobId()));
    }

    /** Reads these paths under {@code /api/v1/orgs/<org>} in turn. */
    TenantReader(BenchPlatform bench, Tenants.Seeded tenant, List<String> paths) {
        this.bench = bench;
        this.tenant = tenant;
        this.paths = paths.stream().map(p -> Api.results("/api/v1/orgs/" + tenant.orgId() + p)).toList();
    }

    @Override
    public void run() {
        for (int i = 0; !stop.get(); i++) {
            long sent = System.nanoTime();
            int status;
            try {
                status = bench.send(paths.get(i % paths.size()), "GET", tenant.clientToken(), null).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (answers) {
                answers.add(new long[] {sent, status});
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the reader and waits for its last request. */
    void stop(Future<?> reading) throws Exception {
        stop.set(true);
        reading.get();
    }

    /** Waits until the reader has been answered 200 after its refusals (at most 30 s), then stops it. */
    void stopOnceAnswered(Future<?> reading) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && Double.isNaN(unavailableSeconds())) {
            Thread.sleep(20);
        }
        stop(reading);
    }

    /**
     * From the first refused request sent to the first request after the last refusal that was answered 200;
     * NaN while that has not come yet, 0 when nothing was refused.
     */
    double unavailableSeconds() {
        synchronized (answers) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < answers.size(); i++) {
                if (answers.get(i)[1] != 200) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            if (first < 0) {
                return answers.isEmpty() ? Double.NaN : 0;
            }
            return last + 1 < answers.size() ? (answers.get(last + 1)[0] - answers.get(first)[0]) / 1e9 : Double.NaN;
        }
    }

    /** Answers by status; -1 for a request that got no answer. */
    Map<Integer, Integer> statuses() {
        return statuses(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Answers by status to the requests sent between these {@link System#nanoTime()} instants. */
    Map<Integer, Integer> statuses(long from, long to) {
        Map<Integer, Integer> counts = new TreeMap<>();
        synchronized (answers) {
            answers.stream().filter(a -> a[0] >= from && a[0] <= to).forEach(a -> counts.merge((int) a[1], 1, Integer::sum));
        }
        return counts;
    }

    /**
     * Answers that were neither a read nor a refusal to come back later: results-service answers 409
     * (tenant-not-ready, Retry-After) while the tenant is under maintenance; 503 is what a restore promises.
     */
    long unexpected() {
        synchronized (answers) {
            return answers.stream().filter(a -> a[1] != 200 && a[1] != 409 && a[1] != 503).count();
        }
    }
}
