package io.tenantry.provisioner.move;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.placement.Placement;
import io.tenantry.provisioner.placement.ServerLoads;
import io.tenantry.provisioner.placement.ServerStates;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Moves of many tenants at once: draining a server (every tenant off it, the server closed to new ones) and
 * rebalancing a region (moves that even out its servers by the bytes their tenant databases hold). Both plan every
 * move first and refuse when the plan cannot be made; the moves then run a few at a time ({@link Moves}).
 */
@ApplicationScoped
public class FleetMoves {

    private static final Pattern REGION = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");
    /** A region counts as even once its fullest and emptiest servers differ by no more than this share of the mean. */
    private static final double EVEN_ENOUGH = 0.10;
    private static final int MOST_MOVES_PER_PLAN = 100;

    @Inject
    Moves moves;

    @Inject
    MoveStore store;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantServers servers;

    @Inject
    Placement placement;

    @Inject
    ServerStates states;

    @Inject
    ServerLoads loads;

    public record ServerView(String name, String region, int capacity, int tenants, Long bytes, boolean closed,
                             int movesAway) {
    }

    public record PlannedMove(String orgId, String from, String to, long bytes) {
    }

    public record DrainView(String server, boolean closed, List<MoveView> moves) {
    }

    public record RebalancePlan(String region, boolean applied, Map<String, Long> bytesBefore,
                               Map<String, Long> bytesAfter, List<PlannedMove> moves) {
    }

    /** Every configured server: its tenants, the bytes they hold (null when it cannot be asked), open or closed. */
    public List<ServerView> servers() {
        Map<String, Integer> placed = registry.tenantsPerServer();
        Map<String, Long> bytes = loads.totalBytes(servers.all().keySet());
        Set<String> closed = states.closed();
        return new TreeMap<>(servers.all()).entrySet().stream().map(e -> new ServerView(e.getKey(),
                e.getValue().region(), e.getValue().capacity(), placed.getOrDefault(e.getKey(), 0),
                bytes.get(e.getKey()), closed.contains(e.getKey()), store.unfinishedFrom(e.getKey()).size())).toList();
    }

    /**
     * Closes the server to new tenants and moves every tenant off it, largest first, each to the open server of the
     * region that will hold the fewest bytes. Refused, changing nothing, when the other servers lack the room.
     */
    public DrainView drain(String server, String requestedBy) {
        String region = configured(server).region();
        Set<String> alreadyMoving = new HashSet<>();
        store.unfinishedFrom(server).forEach(m -> alreadyMoving.add(m.orgId()));
        Map<String, Long> sizes = tenantSizes(server, alreadyMoving);
        Map<String, Integer> placed = new HashMap<>(registry.tenantsPerServer());
        Map<String, Long> load = new HashMap<>(loads.totalBytes(placement.candidates(region, Set.of(server), Map.of())));
        List<PlannedMove> plan = new ArrayList<>();
        sizes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(tenant -> {
            String target = placement.candidates(region, Set.of(server), placed).stream()
                    .filter(load::containsKey)
                    .min(Comparator.<String>comparingLong(load::get).thenComparing(Comparator.naturalOrder()))
                    .orElseThrow(() -> ApiProblem.conflict("the other open servers of region '" + region
                            + "' have no room for the " + sizes.size() + " tenants of '" + server + "'"));
            plan.add(new PlannedMove(tenant.getKey(), server, target, tenant.getValue()));
            placed.merge(target, 1, Integer::sum);
            load.merge(target, tenant.getValue(), Long::sum);
        });
        states.close(server, "draining", requestedBy);
        List<MoveView> started = start(plan, "drain", requestedBy);
        return new DrainView(server, true, started);
    }

    /** Opens the server to new tenants again. */
    public ServerView open(String server, String requestedBy) {
        configured(server);
        states.open(server, requestedBy);
        return servers().stream().filter(s -> s.name().equals(server)).findFirst().orElseThrow();
    }

    /**
     * Plans moves that even out the open servers of the region by the bytes of their tenant databases: while the
     * fullest and emptiest differ by more than a tenth of the mean, the tenant of the fullest whose size is nearest
     * half the difference moves to the emptiest. With {@code apply} the moves start.
     */
    public RebalancePlan rebalance(String region, boolean apply, String requestedBy) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw ApiProblem.invalid("region", "must be a region name such as eu-west");
        }
        List<String> open = placement.candidates(region, Set.of(), Map.of());
        if (open.isEmpty()) {
            throw ApiProblem.notFound("no open server in region '" + region + "'");
        }
        Set<String> alreadyMoving = new HashSet<>();
        store.unfinished().forEach(m -> alreadyMoving.add(m.orgId()));
        Map<String, Map<String, Long>> tenants = new HashMap<>();
        for (String server : open) {
            tenants.put(server, tenantSizes(server, alreadyMoving));
        }
        Map<String, Long> load = new TreeMap<>();
        tenants.forEach((server, sizes) -> load.put(server, sizes.values().stream().mapToLong(Long::longValue).sum()));
        Map<String, Long> before = new TreeMap<>(load);
        Map<String, Integer> placed = new HashMap<>(registry.tenantsPerServer());
        List<PlannedMove> plan = new ArrayList<>();
        while (plan.size() < MOST_MOVES_PER_PLAN) {
            String fullest = load.keySet().stream().max(Comparator.comparingLong(load::get)).orElseThrow();
            List<String> roomy = placement.candidates(region, Set.of(fullest), placed);
            String emptiest = roomy.stream().min(Comparator.comparingLong(s -> load.getOrDefault(s, Long.MAX_VALUE)))
                    .orElse(null);
            if (emptiest == null || !load.containsKey(emptiest)) {
                break;
            }
            long gap = load.get(fullest) - load.get(emptiest);
            double mean = load.values().stream().mapToLong(Long::longValue).average().orElse(0);
            if (gap <= EVEN_ENOUGH * mean) {
                break;
            }
            var chosen = tenants.get(fullest).entrySet().stream().filter(t -> t.getValue() < gap)
                    .min(Comparator.comparingLong(t -> Math.abs(gap - 2 * t.getValue())));
            if (chosen.isEmpty()) {
                break;
            }
            String orgId = chosen.get().getKey();
            long size = chosen.get().getValue();
            plan.add(new PlannedMove(orgId, fullest, emptiest, size));
            tenants.get(fullest).remove(orgId);
            load.merge(fullest, -size, Long::sum);
            load.merge(emptiest, size, Long::sum);
            placed.merge(emptiest, 1, Integer::sum);
        }
        if (apply) {
            start(plan, "rebalance", requestedBy);
        }
        return new RebalancePlan(region, apply, before, new TreeMap<>(load), plan);
    }

    private List<MoveView> start(List<PlannedMove> plan, String reason, String requestedBy) {
        List<MoveView> started = new ArrayList<>();
        for (PlannedMove planned : plan) {
            started.add(moves.enqueue(planned.orgId(), planned.to(), reason, requestedBy));
        }
        moves.driveWaiting();
        return started;
    }

    /** The tenants holding data on the server, by org id, with the bytes of their databases. */
    private Map<String, Long> tenantSizes(String server, Set<String> excluded) {
        Map<String, Long> databases;
        try {
            databases = loads.databaseBytes(server);
        } catch (SQLException e) {
            throw ApiProblem.databaseUnavailable("server '" + server + "' cannot be measured: " + e.getMessage(), 5);
        }
        Map<String, Long> sizes = new HashMap<>();
        for (String orgId : registry.holdingDataOn(server)) {
            if (!excluded.contains(orgId)) {
                sizes.put(orgId, databases.getOrDefault(OrgId.of(orgId).databaseName(), 0L));
            }
        }
        return sizes;
    }

    private ProvisionerConfig.Server configured(String server) {
        if (!servers.all().containsKey(server)) {
            throw ApiProblem.notFound("server '" + server + "' is not configured");
        }
        return servers.get(server);
    }
}
