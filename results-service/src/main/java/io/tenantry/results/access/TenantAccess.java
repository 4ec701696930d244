package io.tenantry.results.access;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.OrgId;
import io.tenantry.common.Permission;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.store.TenantRoute;
import io.tenantry.results.tenant.TenantDirectory;

/**
 * The gate in front of every tenant's data. The token, signed by metadata-service, names one organization and the
 * permissions granted there; a path naming any other organization is answered as if it did not exist.
 */
@ApplicationScoped
public class TenantAccess {

    /** What a move's switch still serves: its database is read where it is until the switch ends. */
    private static final Set<Permission> READS = EnumSet.of(Permission.JOBS_READ, Permission.RESULTS_READ);

    @Inject
    JsonWebToken token;

    @Inject
    TenantDirectory directory;

    /**
     * The route to the organization's database, once the caller may act there with {@code permission}. While a
     * move switches the tenant to another server, only reading permissions pass.
     */
    public Uni<TenantRoute> require(String orgId, Permission permission) {
        return authorize(orgId, permission).chain(() -> directory.lookup(orgId)).map(found -> {
            TenantRoute route = found.orElseThrow(() -> notFound(orgId));
            return switch (route.tenantStatus()) {
                case "active" -> route;
                case "moving" -> {
                    if (!READS.contains(permission)) {
                        throw ApiProblem.tenantMaintenance("writes to organization '" + orgId + "' are paused for a "
                                + "moment while its database moves to another server; try again shortly", 1);
                    }
                    yield route;
                }
                case "suspended" -> throw ApiProblem.tenantSuspended(
                        "organization '" + orgId + "' is suspended; its results cannot be read or changed");
                case "deleting", "deleted" -> throw notFound(orgId);
                case "maintenance" -> throw ApiProblem.tenantMaintenance("the database of organization '" + orgId
                        + "' is being restored from a backup; try again shortly", 5);
                default -> throw ApiProblem.tenantNotReady("the database of organization '" + orgId
                        + "' is not ready yet (" + route.tenantStatus() + ")", 5);
            };
        });
    }

    /**
     * Passes once the token is the organization's and holds {@code permission}, whatever its tenant's state: for what
     * needs no connection to the tenant's database. A token of another organization gets 404, as in {@link #require}.
     */
    public Uni<Void> authorize(String orgId, Permission permission) {
        OrgId.of(orgId);
        if (!orgId.equals(organization())) {
            return Uni.createFrom().failure(notFound(orgId));
        }
        if (!permissions().contains(permission.wire())) {
            return Uni.createFrom().failure(ApiProblem.forbidden(
                    "this needs the '" + permission.wire() + "' permission in organization '" + orgId + "'"));
        }
        return Uni.createFrom().voidItem();
    }

    /** Who is acting: the token subject, e.g. {@code user:<id>} or {@code client:<id>}. */
    public String actor() {
        return token.getSubject();
    }

    private String organization() {
        return organizationOf(token);
    }

    /** The organization a token was issued for: its {@code org} claim, or null. */
    public static String organizationOf(JsonWebToken token) {
        Object claim = token.getClaim("org");
        return claim instanceof JsonString string ? string.getString() : claim == null ? null : claim.toString();
    }

    private Set<String> permissions() {
        Object claim = token.getClaim("permissions");
        if (claim instanceof JsonArray array) {
            return Set.copyOf(array.getValuesAs(JsonString::getString));
        }
        if (claim instanceof Set<?> set) {
            return Set.copyOf(set.stream().map(String::valueOf).toList());
        }
        return Set.of();
    }

    private static ApiProblem notFound(String orgId) {
        return ApiProblem.notFound("organization '" + orgId + "' not found");
    }
}
