package io.tenantry.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * HTTP load on one event loop, so the generator takes as little of the machine as it can; latency per request in
 * microseconds. Closed loop ({@link #run}): {@code clients} users, each sending its next request the moment its last
 * one was answered; only requests sent and answered inside the measured window count. Open model
 * ({@link #runOpen}): requests at a constant rate whatever the answers do, each one's latency counted from the
 * moment it was due, so a stall delays every request due during it and shows in the tail (no coordinated omission).
 */
final class LoadGenerator implements AutoCloseable {

    /** One request: method, path, bearer token and body (null for none). */
    record Request(HttpMethod method, String path, String token, Buffer body) {
        static Request get(String path, String token) {
            return new Request(HttpMethod.GET, path, token, null);
        }
    }

    /**
     * What a run saw: answers by status (and transport errors) with their latencies, of the requests sent (closed
     * loop) or due (open model) in the measured window; {@code succeededInWindow}, the successful answers that
     * arrived within it; {@code notSent}, the open model's requests that were due while too many were unanswered.
     */
    record Result(double seconds, long requests, Map<Integer, Long> statuses, long errors, Histogram latency,
                  long succeededInWindow, long notSent) {

        /** Successful answers received in the measured window, per second. */
        double perSecond() {
            return succeededInWindow / seconds;
        }

        double micros(double percentile) {
            return latency.getValueAtPercentile(percentile);
        }

        long failures() {
            return errors + statuses.entrySet().stream().filter(e -> e.getKey() >= 400).mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** How long an open-model request waits for its answer before it counts as failed. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final int port;

    LoadGenerator(int port) {
        this.port = port;
    }

    Result run(int clients, Duration warmup, Duration measure, Supplier<Request> next) throws InterruptedException {
        HttpClient http = client(clients);
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
        return window.result(measure);
    }

    private void fire(HttpClient http, Supplier<Request> next, Window window, CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= window.end) {
            done.countDown();
            return;
        }
        send(http, next.get(), new RequestOptions()).onComplete(answer -> {
            long answered = System.nanoTime();
            if (sent >= window.start && answered <= window.end) {
                window.record(answer, sent, answered);
            }
            fire(http, next, window, done);
        });
    }

    /**
     * Open model: {@code perSecond} requests a second, the i-th due {@code i / perSecond} seconds after the start,
     * sent by a 1 ms timer (its lateness counts against the latency, as a user's would). Requests due in the
     * measured window are recorded whenever they are answered; at most {@code maxOutstanding} are in flight, one
     * connection each, and one due while that many are unanswered is not sent but counted. A request unanswered
     * after {@link #ANSWER_TIMEOUT} counts as an error.
     */
    Result runOpen(double perSecond, int maxOutstanding, Duration warmup, Duration measure, Supplier<Request> next)
            throws InterruptedException {
        HttpClient http = client(maxOutstanding);
        long first = System.nanoTime();
        Window window = new Window(first + warmup.toNanos(), measure.toNanos());
        CountDownLatch done = new CountDownLatch(1);
        vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            long due;
            while ((due = first + Math.round(window.due * 1e9 / perSecond)) <= now) {
                if (due >= window.end) {
                    vertx.cancelTimer(timer);
                    window.allSent = true;
                    if (window.outstanding == 0) {
                        done.countDown();
                    }
                    return;
                }
                window.due++;
                if (window.outstanding >= maxOutstanding) {
                    window.notSent += due >= window.start ? 1 : 0;
                    continue;
                }
                window.outstanding++;
                long intended = due;
                send(http, next.get(), new RequestOptions().setIdleTimeout(ANSWER_TIMEOUT.toMillis()))
                        .onComplete(answer -> {
                            long answered = System.nanoTime();
                            window.outstanding--;
                            if (intended >= window.start) {
                                window.record(answer, intended, answered);
                            }
                            if (window.allSent && window.outstanding == 0) {
                                done.countDown();
                            }
                        });
            }
        }));
        if (!done.await(warmup.plus(measure).plus(ANSWER_TIMEOUT).plusMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests did not finish");
        }
        http.close();
        return window.result(measure);
    }

    private HttpClient client(int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    }

    private static Future<Integer> send(HttpClient http, Request request, RequestOptions options) {
        return http.request(options.setMethod(request.method()).setURI(request.path()))
                .compose(r -> {
                    r.putHeader("Authorization", "Bearer " + request.token());
                    if (request.body() == null) {
                        return r.send();
                    }
                    r.putHeader("Content-Type", "application/json");
                    return r.send(request.body());
                })
                .compose(response -> response.body().map(body -> response.statusCode()));
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
        long succeededInWindow;
        /** The open model's schedule: requests due so far, those in flight, and whether the last one was due. */
        long due;
        int outstanding;
        boolean allSent;
        long notSent;

        Window(long start, long length) {
            this.start = start;
            this.end = start + length;
        }

        void record(AsyncResult<Integer> answer, long from, long answered) {
            requests++;
            if (answer.failed()) {
                errors++;
                return;
            }
            statuses.merge(answer.result(), 1L, Long::sum);
            latency.recordValue(Math.max(1, (answered - from) / 1000));
            if (answer.result() < 400 && answered >= start && answered <= end) {
                succeededInWindow++;
            }
        }

        Result result(Duration measure) {
            return new Result(measure.toNanos() / 1e9, requests, statuses, errors, latency, succeededInWindow, notSent);
        }
    }
}
