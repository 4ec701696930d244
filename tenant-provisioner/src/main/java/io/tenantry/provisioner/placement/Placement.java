package io.tenantry.provisioner.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Chooses the server for a tenant: in the region, open to new tenants, below its capacity in tenants, and holding
 * the fewest bytes of tenant databases among those, so placement and rebalancing weigh servers alike.
 */
@ApplicationScoped
public class Placement {

    @Inject
    TenantServers servers;

    @Inject
    TenantRegistry registry;

    @Inject
    ServerStates states;

    @Inject
    ServerLoads loads;

    /**
     * The tenant's registry entry, placed on a server and recorded first if it has none yet (a placement, once
     * recorded, stays until a move); empty when no server in the region has room.
     */
    public Optional<Tenant> place(OrgId orgId, String region) {
        Optional<Tenant> placed = registry.find(orgId.value());
        if (placed.isPresent()) {
            return placed;
        }
        List<String> candidates = candidates(region, Set.of(), registry.tenantsPerServer());
        // One open server with room is the answer; weighing servers is only needed between several.
        Optional<String> server = candidates.size() == 1 ? Optional.of(candidates.get(0))
                : lightest(candidates, loads.recentTotalBytes(candidates));
        return server.map(chosen -> {
            Tenant tenant = registry.place(orgId.value(), chosen, orgId.databaseName(),
                    TenantCredentials.roleName(orgId));
            loads.placed(tenant.server());
            return tenant;
        });
    }

    /** The server a tenant of {@code region} would go to now, other than the {@code excluded} ones, freshly measured. */
    public Optional<String> choose(String region, Set<String> excluded) {
        List<String> candidates = candidates(region, excluded, registry.tenantsPerServer());
        return lightest(candidates, loads.totalBytes(candidates));
    }

    private static Optional<String> lightest(List<String> candidates, Map<String, Long> bytes) {
        return candidates.stream().filter(bytes::containsKey)
                .min(Comparator.<String>comparingLong(bytes::get).thenComparing(Comparator.naturalOrder()));
    }

    /** Open servers of the region, not excluded, with room for one more tenant given {@code placed} per server. */
    public List<String> candidates(String region, Set<String> excluded, Map<String, Integer> placed) {
        Set<String> closed = states.closed();
        return servers.all().entrySet().stream()
                .filter(e -> e.getValue().region().equals(region))
                .filter(e -> !excluded.contains(e.getKey()) && !closed.contains(e.getKey()))
                .filter(e -> e.getValue().capacity() > placed.getOrDefault(e.getKey(), 0))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
