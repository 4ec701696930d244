package io.tenantry.metadata.client;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.role.Role;
import io.tenantry.metadata.security.AccessGuard;
import io.tenantry.metadata.security.PasswordHasher;
import io.tenantry.metadata.security.TokenRevocation;

/** Machine credentials for one organization. The secret is returned once, at creation, and stored hashed. */
@ApplicationScoped
public class ApiClientService {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    @Inject
    TokenRevocation revocation;

    public record ClientView(UUID clientId, String name, String role, String status, OffsetDateTime createdAt,
                             String createdBy) {
        static ClientView of(ApiClient c) {
            return new ClientView(c.id, c.name, c.role.name, c.status, c.createdAt, c.createdBy);
        }
    }

    public record CreatedClient(UUID clientId, String clientSecret, String name, String role) {
    }

    @Transactional
    public CreatedClient create(String orgId, String name, String roleName) {
        var access = guard.require(orgId, Permission.CLIENTS_MANAGE);
        Role role = Role.visibleTo(orgId, roleName).orElseThrow(() -> ApiProblem.unprocessable(
                "role '" + roleName + "' does not exist in organization '" + orgId + "'"));
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiClient client = new ApiClient();
        client.id = Uuids.v7();
        client.orgId = orgId;
        client.name = name.trim();
        client.role = role;
        client.secretHash = PasswordHasher.hashSecret(secret);
        client.status = ApiClient.ACTIVE;
        client.createdBy = access.actor();
        client.createdAt = OffsetDateTime.now();
        client.persist();
        audit.record("api-client.created", orgId, "api-client", client.id.toString(),
                Map.of("name", client.name, "role", role.name));
        return new CreatedClient(client.id, secret, client.name, role.name);
    }

    public Page<ClientView> list(String orgId, String after, int limit) {
        guard.require(orgId, Permission.CLIENTS_MANAGE);
        KeysetQuery query = KeysetQuery.where("from ApiClient c join fetch c.role where c.orgId = :org").bind("org", orgId)
                .and("c.id > :after", "after", Cursor.decodeUuid(after));
        List<ApiClient> rows = ApiClient.<ApiClient>find(query.orderBy("c.id"), query.params()).page(0, limit + 1).list();
        return Page.of(rows, limit, c -> c.id.toString(), ClientView::of);
    }

    @Transactional
    public void revoke(String orgId, UUID clientId) {
        guard.require(orgId, Permission.CLIENTS_MANAGE);
        ApiClient client = ApiClient.find("id = ?1 and orgId = ?2", clientId, orgId).firstResult();
        if (client == null) {
            throw ApiProblem.notFound("client " + clientId + " not found in '" + orgId + "'");
        }
        if (client.isActive()) {
            client.status = ApiClient.REVOKED;
            client.revokedAt = OffsetDateTime.now();
            revocation.revokeClient(clientId);
            audit.record("api-client.revoked", orgId, "api-client", clientId.toString(), Map.of());
        }
    }
}
