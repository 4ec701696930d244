package io.tenantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.tenantry.servers.PostgresEndpoint;

/**
 * Where the machine's CPU went during a measured window, from /proc: the CPU time each part of the platform used
 * (results-service, the other services, PostgreSQL, Redis, this load generator) divided by the window, so
 * {@code 1.0} is one core busy the whole time. What limits a figure shows here.
 */
final class CpuCensus {

    private static final long TICKS_PER_SECOND = 100;

    private final Map<String, Long> start;
    private final long startedAt = System.nanoTime();
    private final Map<String, Long> servicePids;
    private final Set<Long> postmasters;

    private CpuCensus(Map<String, Long> servicePids, Set<Long> postmasters) {
        this.servicePids = servicePids;
        this.postmasters = postmasters;
        this.start = ticksByPart();
    }

    /** A census that begins once {@code delay} has passed (a load's warm-up), so it covers the measured window. */
    static CompletableFuture<CpuCensus> after(Duration delay, BenchPlatform bench) {
        return CompletableFuture.supplyAsync(() -> begin(bench),
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    static CpuCensus begin(BenchPlatform bench) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String service : List.of("metadata-service", "tenant-provisioner", "results-service")) {
            pids.put(service, bench.platform.pid(service));
        }
        Set<Integer> ports = bench.tenantServers().stream().map(PostgresEndpoint::port).collect(Collectors.toSet());
        return new CpuCensus(pids, processes().filter(pid -> command(pid).startsWith("postgres")
                && ports.contains(portOf(pid))).boxed().collect(Collectors.toSet()));
    }

    /** Cores used by each part since {@link #begin}, and by the machine as a whole. */
    Map<String, Double> coresUsed() {
        Map<String, Long> end = ticksByPart();
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        end.forEach((part, ticks) -> cores.put(part,
                Math.round((ticks - start.getOrDefault(part, 0L)) / (double) TICKS_PER_SECOND / seconds * 100) / 100.0));
        return cores;
    }

    private Map<String, Long> ticksByPart() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        servicePids.forEach((service, pid) -> ticks.put(service, ticks(pid)));
        ticks.put("postgresql", sumOf(pid -> postmasters.contains(pid) || postmasters.contains(parentOf(pid))));
        ticks.put("redis", sumOf(pid -> command(pid).startsWith("redis-server") && parentOf(pid) == ProcessHandle.current().pid()));
        ticks.put("haproxy", sumOf(pid -> command(pid).startsWith(TenantHashingProxy.COMMAND)
                && parentOf(pid) == ProcessHandle.current().pid()));
        ticks.put("load generator", ticks(ProcessHandle.current().pid()));
        ticks.put("machine", machineTicks());
        return ticks;
    }

    /**
     * utime + stime of one process and of its children that have exited: PostgreSQL's backends come and go with
     * their connections, and the postmaster's children's time keeps theirs once they are gone.
     */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The CPU time of the machine's processes that are this platform's: other builds on the same machine run
     * PostgreSQL servers too, whose time is not ours (and whose exits would make ours look negative).
     */
    private static long sumOf(LongPredicate ours) {
        return processes().filter(ours).map(CpuCensus::ticks).sum();
    }

    /** This platform's PostgreSQL servers' postmasters are the ones listening on its ports ({@code -p <port>}). */
    private static int portOf(long pid) {
        try {
            List<String> args = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
            int flag = args.indexOf("-p");
            return flag >= 0 && flag + 1 < args.size() ? Integer.parseInt(args.get(flag + 1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static LongStream processes() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return LongStream.of(entries.map(p -> p.getFileName().toString()).filter(name -> name.matches("\\d+"))
                    .mapToLong(Long::parseLong).toArray());
        } catch (IOException e) {
            return LongStream.empty();
        }
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy time of all cores: user, nice, system, irq and softirq from the first line of /proc/stat. */
    private static long machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
