package io.tenantry.testing.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients calling a service over and over while faults are injected, each on its own thread, keeping every answer:
 * when each was last served, how often it was refused with 503 and Retry-After (the only acceptable failure), what
 * else it got, and the ids of the writes the service acknowledged, to look for afterwards.
 */
public final class FaultLoad {

    /** One answer: its status, its Retry-After header (or null), and the id of what it acknowledged (or null). */
    public record Answer(int status, String retryAfter, String acknowledged) {
    }

    private final Map<String, Callable<Answer>> clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Long> lastServed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private ExecutorService threads;

    /** @param clients each client's call, by a name that says whose it is (for example {@code org/w}) */
    public FaultLoad(Map<String, Callable<Answer>> clients) {
        this.clients = Map.copyOf(clients);
        clients.keySet().forEach(name -> {
            refused.put(name, new AtomicLong());
            acknowledged.put(name, ConcurrentHashMap.newKeySet());
        });
    }

    public FaultLoad start() {
        threads = Executors.newFixedThreadPool(clients.size());
        clients.forEach((name, call) -> threads.submit(() -> run(name, call)));
        return this;
    }

    private void run(String name, Callable<Answer> call) {
        while (running.get()) {
            try {
                Answer answer = call.call();
                if (answer.status() / 100 == 2) {
                    if (answer.acknowledged() != null) {
                        acknowledged.get(name).add(answer.acknowledged());
                    }
                    lastServed.put(name, System.nanoTime());
                } else if (answer.status() == 503 && answer.retryAfter() != null) {
                    refused.get(name).incrementAndGet();
                } else {
                    failures.add(name + ": " + answer.status());
                }
            } catch (Exception e) {
                failures.add(name + ": " + e);
            }
        }
    }

    /** When every client has been served after {@code since}; fails when that takes longer than {@code within}. */
    public long awaitAllServedAfter(long since, Duration within) throws InterruptedException {
        long deadline = since + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (lastServed.size() == clients.size()
                    && lastServed.values().stream().allMatch(served -> served > since)) {
                return lastServed.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("not every client was served again: " + this);
    }

    /** How often the clients whose names start with {@code prefix} were refused with 503 and Retry-After. */
    public long refusals(String prefix) {
        return refused.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    /** The ids the service acknowledged to clients whose names start with {@code prefix}. */
    public List<String> acknowledged(String prefix) {
        return acknowledged.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    public void stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "clients stopped");
    }

    public void assertOnlyRetryableFailures() {
        assertEquals(List.of(), failures.stream().limit(5).toList(),
                failures.size() + " answers neither 2xx nor 503 with Retry-After");
    }

    @Override
    public String toString() {
        return "served " + lastServed.keySet() + ", acknowledged " + acknowledged("").size() + ", refused "
                + refused + ", failures " + failures.stream().limit(3).toList();
    }
}
