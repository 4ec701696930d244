package io.tenantry.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * Closed-loop HTTP load: {@code clients} users, each sending its next request the moment its last one was
 * answered, on one event loop so the generator takes as little of the machine as it can. Latency is recorded
 * per request in microseconds, only for requests sent and answered inside the measured window.
 */
final class LoadGenerator implements AutoCloseable {

    /** One request: method, path, bearer token and body (null for none). */
    record Request(HttpMethod method, String path, String token, Buffer body) {
        static Request get(String path, String token) {
            return new Request(HttpMethod.GET, path, token, null);
        }
    }

    record Result(double seconds, long requests, Map<Integer, Long> statuses, long errors, Histogram latency) {

        /** Successful answers per second. */
        double perSecond() {
            return statuses.entrySet().stream().filter(e -> e.getKey() < 400).mapToLong(Map.Entry::getValue).sum()
                    / seconds;
        }

        double micros(double percentile) {
            return latency.getValueAtPercentile(percentile);
        }

        long failures() {
            return errors + statuses.entrySet().stream().filter(e -> e.getKey() >= 400).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final int port;

    LoadGenerator(int port) {
        this.port = port;
    }

    Result run(int clients, Duration warmup, Duration measure, Supplier<Request> next) throws InterruptedException {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
                .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(clients));
        Window window = new Window(System.nanoTime() + warmup.toNanos(), measure.toNanos());
        CountDownLatch done = new CountDownLatch(clients);
        vertx.runOnContext(v -> {
            for (int i = 0; i < clients; i++) {
                fire(http, next, window, done);
            }
        });
        if (!done.await(warmup.plus(measure).plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests did not finish");
        }
        http.close();
        return new Result(measure.toNanos() / 1e9, window.requests, window.statuses, window.errors, window.latency);
    }

    private void fire(HttpClient http, Supplier<Request> next, Window window, CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= window.end) {
            done.countDown();
            return;
        }
        Request request = next.get();
        http.request(request.method(), request.path())
                .compose(r -> {
                    r.putHeader("Authorization", "Bearer " + request.token());
                    if (request.body() == null) {
                        return r.send();
                    }
                    r.putHeader("Content-Type", "application/json");
                    return r.send(request.body());
                })
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(answer -> {
                    long answered = System.nanoTime();
                    if (sent >= window.start && answered <= window.end) {
                        window.requests++;
                        if (answer.succeeded()) {
                            window.statuses.merge(answer.result(), 1L, Long::sum);
                            window.latency.recordValue(Math.max(1, (answered - sent) / 1000));
                        } else {
                            window.errors++;
                        }
                    }
                    fire(http, next, window, done);
                });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** The measured window and what was seen in it; touched only on the generator's one event loop. */
    private static final class Window {
        final long start;
        final long end;
        final Histogram latency = new Histogram(60_000_000L, 3);
        final Map<Integer, Long> statuses = new TreeMap<>();
        long requests;
        long errors;

        Window(long start, long length) {
            this.start = start;
            this.end = start + length;
        }
    }
}
