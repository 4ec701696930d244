package io.tenantry.metadata.audit;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.quarkus.arc.Arc;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.metadata.auth.Caller;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.web.RequestId;

/** Records every change in the same transaction as the change itself, so neither exists without the other. */
@ApplicationScoped
public class AuditLog {

    @Inject
    Caller caller;

    @Inject
    RequestId requestId;

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String orgId, String targetType, String targetId, Map<String, ?> details) {
        boolean inRequest = Arc.container().requestContext().isActive();
        recordAs(inRequest ? caller.actorOrSystem() : "system", action, orgId, targetType, targetId, details);
    }

    /** For changes whose actor is not the token's subject, such as a sign-in. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAs(String actor, String action, String orgId, String targetType, String targetId,
                         Map<String, ?> details) {
        boolean inRequest = Arc.container().requestContext().isActive();
        AuditEntry entry = new AuditEntry();
        entry.occurredAt = OffsetDateTime.now();
        entry.actor = actor;
        entry.orgId = orgId;
        entry.action = action;
        entry.targetType = targetType;
        entry.targetId = targetId;
        entry.requestId = inRequest ? requestId.value() : null;
        entry.details = details == null || details.isEmpty() ? null : new HashMap<>(details);
        entry.persist();
    }

    /** Newest first. A null organization means every organization (platform administrators only). */
    public Page<AuditView> search(AuditQuery query, int limit) {
        KeysetQuery where = KeysetQuery.where("1 = 1")
                .and("id < :before", "before", Cursor.decodeLong(query.after()))
                .and("orgId = :org", "org", query.orgId())
                .and("action = :action", "action", query.action())
                .and("actor = :actor", "actor", query.actor());
        List<AuditEntry> rows = AuditEntry.<AuditEntry>find(where.orderBy("id desc"), where.params())
                .page(0, limit + 1).list();
        return Page.of(rows, limit, e -> Long.toString(e.id), AuditView::of);
    }

    public record AuditQuery(String orgId, String action, String actor, String after) {
    }

    public record AuditView(long id, OffsetDateTime occurredAt, String actor, String orgId, String action,
                            String targetType, String targetId, String requestId, Map<String, Object> details) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.occurredAt, e.actor, e.orgId, e.action, e.targetType, e.targetId,
                    e.requestId, e.details);
        }
    }
}
