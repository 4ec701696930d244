package io.tenantry.metadata.audit;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.metadata.persistence.KeysetQuery;

/** Reads the audit log back, newest first. */
@ApplicationScoped
public class AuditTrail {

    public record AuditQuery(String orgId, String action, String actor, String after) {
    }

    public record AuditView(long id, OffsetDateTime occurredAt, String actor, String orgId, String action,
                            String targetType, String targetId, String requestId, Map<String, Object> details) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.occurredAt, e.actor, e.orgId, e.action, e.targetType, e.targetId,
                    e.requestId, e.details);
        }
    }

    /** A null organization means every organization (platform administrators only). */
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
}
