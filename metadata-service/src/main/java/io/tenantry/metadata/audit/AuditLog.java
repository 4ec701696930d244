package io.tenantry.metadata.audit;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.quarkus.arc.Arc;
import io.tenantry.metadata.security.Caller;
import io.tenantry.common.logging.RequestId;

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
}
