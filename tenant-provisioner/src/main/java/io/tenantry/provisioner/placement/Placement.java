package io.tenantry.provisioner.placement;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;

/** Chooses the server for a new tenant: in the organization's region, with the most room left. */
@ApplicationScoped
public class Placement {

    @Inject
    TenantServers servers;

    @Inject
    TenantRegistry registry;

    /**
     * The tenant's registry entry, placed on a server and recorded first if it has none yet (a placement, once
     * recorded, stays); empty when no server in the region has room.
     */
    public Optional<Tenant> place(OrgId orgId, String region) {
        Optional<Tenant> placed = registry.find(orgId.value());
        if (placed.isPresent()) {
            return placed;
        }
        return choose(region).map(server -> registry.place(orgId.value(), server, orgId.databaseName(),
                TenantCredentials.roleName(orgId)));
    }

    private Optional<String> choose(String region) {
        Map<String, Integer> placed = registry.tenantsPerServer();
        return servers.all().entrySet().stream()
                .filter(e -> e.getValue().region().equals(region))
                .filter(e -> headroom(e.getValue(), placed.getOrDefault(e.getKey(), 0)) > 0)
                .max(Comparator.<Map.Entry<String, ProvisionerConfig.Server>>comparingInt(
                                e -> headroom(e.getValue(), placed.getOrDefault(e.getKey(), 0)))
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }

    private static int headroom(ProvisionerConfig.Server server, int placed) {
        return server.capacity() - placed;
    }
}
