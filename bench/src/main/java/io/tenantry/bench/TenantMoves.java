package io.tenantry.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.devlauncher.Api;

/**
 * Figure 9: moving tenants between servers by logical replication, through the provisioner's operator API.
 * First a drain: the second server is closed (drained while empty), {@code --drain-tenants} organizations are
 * onboarded onto the first and seeded, the second is opened again and the first drained; the clock runs from the
 * drain request until no move away from it is unfinished. Then one tenant filled with {@code --move-gb} GiB of
 * docking results is moved {@code --runs} times back and forth while a reader asks results-service for one of its
 * jobs and that job's top 10 results in turn (a request every 10 ms) and a writer submits a job every 20 ms with an
 * Idempotency-Key, retrying a refused submission with the same key. At the end every acknowledged job is looked
 * for, as PostgreSQL's superuser, in the tenant's database on its final server.
 */
final class TenantMoves {

    static final String FIGURE = "tenant-moves";
    static final String UNDER_LOAD = "move-under-load";
    private static final String[] UNFINISHED = {"requested", "copying", "switching", "switched"};
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private TenantMoves() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        String admin = bench.adminToken();
        List<String> servers = bench.tenantServers().stream().map(s -> s.name()).toList();
        List<Measurement> runs = new ArrayList<>();
        // The drain first, while the second server is empty: later the filled tenant may be on either.
        runs.add(drain(bench, admin, options, servers.get(0), servers.get(1)));
        runs.addAll(underLoad(bench, admin, options, servers));
        return runs;
    }

    private static Measurement drain(BenchPlatform bench, String admin, Bench.Options options, String from, String to)
            throws Exception {
        Bench.log("closing " + to + " by draining it");
        awaitDrained(bench, admin, to, drainServer(bench, admin, to));
        List<String> orgs = Tenants.onboard(bench, "drain", options.drainTenants());
        Tenants.seed(bench, orgs, 200);
        BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/servers/" + to + "/open"), "POST", admin,
                null), 200);
        Bench.log("servers before the drain: " + serverViews(bench, admin));
        CpuCensus cpu = CpuCensus.begin(bench);
        long started = System.nanoTime();
        JsonNode requested = drainServer(bench, admin, from);
        List<JsonNode> moves = awaitDrained(bench, admin, from, requested);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Double> cores = cpu.coresUsed();
        BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/servers/" + from + "/open"), "POST", admin,
                null), 200);
        Histogram perMove = new Histogram(3_600_000L, 3);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (JsonNode move : moves) {
            outcomes.merge(move.get("step").asText(), 1, Integer::sum);
            perMove.recordValue(Math.max(1, millisBetween(move, "startedAt", "finishedAt")));
            if (!move.get("step").asText().equals("done")) {
                errors.add(move.get("orgId").asText() + ": " + move.get("error").asText());
            }
        }
        long failed = moves.size() - outcomes.getOrDefault("done", 0);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("seconds", seconds);
        extra.put("concurrency", options.moveConcurrency());
        extra.put("outcomes", outcomes);
        extra.put("errors", errors);
        extra.put("servers", serverViews(bench, admin));
        extra.put("cpuCores", cores);
        Measurement m = new Measurement(FIGURE, "drain", moves.size(), 1, moves.size() / seconds * 60, "tenants/min",
                perMove.getValueAtPercentile(50), perMove.getValueAtPercentile(99), perMove.getMaxValue(), failed, 0,
                Map.of(), extra);
        Bench.log(String.format("drain of %s: %d tenants moved in %.1f s (%.0f tenants/min, %d at a time), each "
                        + "requested to done median %.0f ms, worst %.0f ms; outcomes %s; cores %s", from, moves.size(),
                seconds, m.rate(), options.moveConcurrency(), m.p50Millis(), m.maxMillis(), outcomes, cores));
        return m;
    }

    private static JsonNode drainServer(BenchPlatform bench, String admin, String server) throws Exception {
        return BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/servers/" + server + "/drain"),
                "POST", admin, null), 202);
    }

    /** Waits until no move away from the server is unfinished; returns the final views of the drain's moves. */
    private static List<JsonNode> awaitDrained(BenchPlatform bench, String admin, String server, JsonNode drain)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        while (serverView(bench, admin, server).get("movesAway").asInt() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the drain of " + server + " is unfinished after an hour");
            }
            Thread.sleep(100);
        }
        List<JsonNode> moves = new ArrayList<>();
        for (JsonNode move : drain.get("moves")) {
            moves.add(BenchPlatform.expect(bench.send(moveUri(move.get("orgId").asText(), move.get("id").asText()),
                    "GET", admin, null), 200));
        }
        return moves;
    }

    private static JsonNode serverViews(BenchPlatform bench, String admin) throws Exception {
        return BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/servers"), "GET", admin, null), 200);
    }

    private static JsonNode serverView(BenchPlatform bench, String admin, String server) throws Exception {
        for (JsonNode view : serverViews(bench, admin)) {
            if (view.get("name").asText().equals(server)) {
                return view;
            }
        }
        throw new IllegalStateException("no server " + server);
    }

    /** A move of the filled tenant: when it was requested and observed finished, and its final view. */
    private record Timed(int run, long requested, long finished, JsonNode view, Map<String, Double> cores) {
    }

    private static List<Measurement> underLoad(BenchPlatform bench, String admin, Bench.Options options,
                                               List<String> servers) throws Exception {
        FilledTenants.Filled filled = FilledTenants.create(bench, admin, "move", options.moveGib());
        Tenants.Seeded tenant = filled.tenant();
        String org = tenant.orgId();
        long jobsBefore = jobCount(bench, org);
        TenantReader reader = new TenantReader(bench, tenant, List.of("/jobs/" + tenant.jobId(),
                "/jobs/" + tenant.jobId() + "/docking-results?limit=10"));
        JobWriter writer = new JobWriter(bench, tenant);
        ExecutorService load = Executors.newFixedThreadPool(2);
        List<Timed> moves = new ArrayList<>();
        try {
            Future<?> reading = load.submit(reader);
            Future<?> writing = load.submit(writer);
            Thread.sleep(SETTLE.toMillis());
            for (int run = 1; run <= options.runs(); run++) {
                String source = bench.serverOf(org);
                String target = servers.stream().filter(s -> !s.equals(source)).findFirst().orElseThrow();
                Bench.log("moving " + org + " from " + source + " to " + target + ", run " + run);
                CpuCensus cpu = CpuCensus.begin(bench);
                long requested = System.nanoTime();
                JsonNode started = BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/tenants/" + org
                        + "/moves"), "POST", admin, Map.of("targetServer", target)), 202);
                JsonNode done = bench.await(admin, moveUri(org, started.get("id").asText()), "step", UNFINISHED);
                moves.add(new Timed(run, requested, System.nanoTime(), done, cpu.coresUsed()));
                Bench.log("move run " + run + ": " + done);
                // Acknowledgements after the switch, within the move's window, and a quiet spell between moves.
                Thread.sleep(SETTLE.toMillis());
            }
            writer.stop(writing);
            reader.stop(reading);
        } finally {
            load.shutdownNow();
        }
        List<Measurement> runs = new ArrayList<>();
        for (Timed move : moves) {
            runs.add(measure(move, filled.databaseBytes(), reader, writer));
        }
        runs.add(verify(bench, org, jobsBefore, writer));
        List<Double> pauses = runs.stream().filter(m -> m.variant().equals(UNDER_LOAD))
                .map(m -> ((Number) m.extra().get("clientWritePauseMs")).doubleValue()).sorted().toList();
        Bench.log(String.format("client-observed write pause over %d moves: p50 %.0f ms, max %.0f ms", pauses.size(),
                pauses.get(pauses.size() / 2), pauses.get(pauses.size() - 1)));
        return runs;
    }

    private static Measurement measure(Timed move, long databaseBytes, TenantReader reader, JobWriter writer) {
        JsonNode view = move.view();
        // A move that did not finish forward leaves no switchedAt or writePauseMs.
        boolean done = view.get("step").asText().equals("done");
        double seconds = (move.finished() - move.requested()) / 1e9;
        long to = move.finished() + SETTLE.toNanos();
        Map<Integer, Integer> reads = reader.statuses(move.requested(), to);
        long readErrors = reads.entrySet().stream().filter(e -> e.getKey() != 200).mapToLong(Map.Entry::getValue).sum();
        Map<Integer, Integer> refusals = writer.refusals(move.requested(), to);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("seconds", seconds);
        extra.put("from", view.get("sourceServer").asText());
        extra.put("to", view.get("targetServer").asText());
        extra.put("step", view.get("step").asText());
        extra.put("provisionerSeconds", millisBetween(view, "startedAt", "finishedAt") / 1000.0);
        extra.put("copySeconds", done ? millisBetween(view, "startedAt", "switchedAt") / 1000.0 : Double.NaN);
        extra.put("writePauseMs", done ? view.get("writePauseMs").asInt() : Double.NaN);
        extra.put("clientWritePauseMs", writer.longestGapMillis(move.requested(), to));
        extra.put("readAnswers", reads);
        extra.put("readErrors", readErrors);
        extra.put("writeRefusals", refusals);
        extra.put("write503s", refusals.getOrDefault(503, 0));
        long acknowledged = writer.acknowledged(move.requested(), to);
        extra.put("writesAcknowledged", acknowledged);
        // The writer's own pace: a submission answered slower than its 20 ms period delays the next.
        extra.put("writesPerSecond", acknowledged / ((to - move.requested()) / 1e9));
        extra.put("databaseBytes", databaseBytes);
        extra.put("rowsCopied", view.get("rowsCopied").asLong());
        extra.put("bytesCopied", view.get("bytesCopied").asLong());
        extra.put("error", view.get("error").isNull() ? "" : view.get("error").asText());
        extra.put("cpuCores", move.cores());
        Measurement m = new Measurement(FIGURE, UNDER_LOAD, 1, move.run(), databaseBytes / FilledTenants.MIB / seconds,
                "MiB/s", 0, 0, 0, readErrors + (done ? 0 : 1), 0, Map.of(), extra);
        Bench.log(String.format("move run %d %s -> %s: %s in %.1f s (copy %.1f s), %.0f MiB/s; writes paused %s ms "
                        + "(provisioner), %.0f ms (client); reads %s; write refusals %s; %.0f writes/s; cores %s",
                move.run(), extra.get("from"), extra.get("to"), extra.get("step"), seconds, extra.get("copySeconds"),
                m.rate(), extra.get("writePauseMs"), extra.get("clientWritePauseMs"), reads, refusals,
                extra.get("writesPerSecond"), move.cores()));
        return m;
    }

    /** Every acknowledged job exactly once in the tenant's database, and no job besides them and those before. */
    private static Measurement verify(BenchPlatform bench, String org, long jobsBefore, JobWriter writer)
            throws SQLException {
        List<String> acknowledged = writer.acknowledgedIds();
        int distinct = new HashSet<>(acknowledged).size();
        long found;
        try (Connection c = FilledTenants.connect(bench, org);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM jobs WHERE id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("uuid", acknowledged.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                found = rs.getLong(1);
            }
        }
        long jobsAfter = jobCount(bench, org);
        long lost = distinct - found;
        // Two acknowledgements of one job (a retry answered as a new job would have another id), or jobs stored
        // without an acknowledgement: both are writes the client cannot account for.
        long duplicated = (acknowledged.size() - distinct) + Math.max(0, jobsAfter - jobsBefore - distinct);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("server", bench.serverOf(org));
        extra.put("acknowledged", acknowledged.size());
        extra.put("jobsBefore", jobsBefore);
        extra.put("jobsAfter", jobsAfter);
        extra.put("lost", lost);
        extra.put("duplicated", duplicated);
        extra.put("abandoned", writer.abandoned());
        extra.put("writeRefusals", writer.refusals(Long.MIN_VALUE, Long.MAX_VALUE));
        Bench.log(String.format("writes verified on %s: %d acknowledged, %d jobs before, %d after: %d lost, "
                        + "%d duplicated, %d abandoned after retrying", extra.get("server"), acknowledged.size(),
                jobsBefore, jobsAfter, lost, duplicated, writer.abandoned()));
        return new Measurement(FIGURE, "writes-verified", 1, 1, acknowledged.size(), "writes acknowledged", 0, 0, 0,
                lost + duplicated + writer.abandoned(), 0, Map.of(), extra);
    }

    private static long jobCount(BenchPlatform bench, String org) throws SQLException {
        try (Connection c = FilledTenants.connect(bench, org);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM jobs");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static URI moveUri(String org, String id) {
        return BenchPlatform.provisioner("/api/v1/tenants/" + org + "/moves/" + id);
    }

    private static long millisBetween(JsonNode view, String from, String to) {
        return Duration.between(OffsetDateTime.parse(view.get(from).asText()), OffsetDateTime.parse(view.get(to).asText()))
                .toMillis();
    }

    /**
     * Submits a job to the tenant every 20 ms, each with an Idempotency-Key of its own; a submission refused (any
     * answer but 201, or none) is sent again with the same key every 20 ms, not after the Retry-After second, so the
     * gaps between acknowledgements show the platform's pause rather than the client's back-off. Gives up on a key
     * after two minutes.
     */
    static final class JobWriter implements Runnable {
        private static final Duration PERIOD = Duration.ofMillis(20);
        private static final Duration GIVE_UP = Duration.ofMinutes(2);

        private final BenchPlatform bench;
        private final Tenants.Seeded tenant;
        private final URI jobs;
        private final List<long[]> acknowledgements = new ArrayList<>();
        private final List<String> acknowledgedIds = new ArrayList<>();
        private final List<long[]> refusals = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private int abandoned;

        JobWriter(BenchPlatform bench, Tenants.Seeded tenant) {
            this.bench = bench;
            this.tenant = tenant;
            this.jobs = Api.results("/api/v1/orgs/" + tenant.orgId() + "/jobs");
        }

        @Override
        public void run() {
            try {
                long next = System.nanoTime();
                for (int i = 0; !stop.get(); i++) {
                    submit(UUID.randomUUID().toString(), i);
                    next += PERIOD.toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } else {
                        next = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Sends the submission until it is acknowledged (the same key every time); a stop lets it finish. */
        private void submit(String key, int i) throws InterruptedException, IOException {
            Map<String, Object> job = Map.of("template", "standard-docking",
                    "inputs", Map.of("receptor", "1ABC", "ligandSet", "move-" + i));
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (true) {
                int status;
                String body = null;
                try {
                    HttpResponse<String> answer = bench.send(jobs, "POST", tenant.clientToken(), job,
                            Map.of("Idempotency-Key", key));
                    status = answer.statusCode();
                    body = answer.body();
                } catch (IOException e) {
                    status = -1;
                }
                long now = System.nanoTime();
                synchronized (this) {
                    if (status == 201) {
                        acknowledgements.add(new long[] {now});
                        acknowledgedIds.add(BenchPlatform.JSON.readTree(body).get("id").asText());
                        return;
                    }
                    refusals.add(new long[] {now, status});
                    if (now > deadline) {
                        abandoned++;
                        return;
                    }
                }
                Thread.sleep(PERIOD.toMillis());
            }
        }

        void stop(Future<?> writing) throws Exception {
            stop.set(true);
            writing.get();
        }

        /** The longest span between consecutive acknowledgements of which the later came between these instants. */
        synchronized double longestGapMillis(long from, long to) {
            long longest = 0;
            for (int i = 1; i < acknowledgements.size(); i++) {
                long at = acknowledgements.get(i)[0];
                if (at > from && at <= to) {
                    longest = Math.max(longest, at - acknowledgements.get(i - 1)[0]);
                }
            }
            return longest / 1e6;
        }

        synchronized long acknowledged(long from, long to) {
            return acknowledgements.stream().filter(a -> a[0] > from && a[0] <= to).count();
        }

        /** Refused submissions by status (-1: no answer) between these instants. */
        synchronized Map<Integer, Integer> refusals(long from, long to) {
            Map<Integer, Integer> counts = new TreeMap<>();
            refusals.stream().filter(r -> r[0] > from && r[0] <= to).forEach(r -> counts.merge((int) r[1], 1, Integer::sum));
            return counts;
        }

        synchronized List<String> acknowledgedIds() {
            return new ArrayList<>(acknowledgedIds);
        }

        synchronized int abandoned() {
            return abandoned;
        }
    }
}
