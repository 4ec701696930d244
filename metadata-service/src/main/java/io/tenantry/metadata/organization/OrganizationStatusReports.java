package io.tenantry.metadata.organization;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.JDBCException;
import org.postgresql.util.PSQLException;

import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;

/**
 * Moves an organization's observed status through report_organization_status(), the database function that holds
 * the lifecycle's legal moves (table organization_status_transitions) and writes the audit entry with the change.
 * The provisioner reports through the same function, so the rules live in one place.
 */
@ApplicationScoped
class OrganizationStatusReports {

    private static final String ILLEGAL_MOVE = "TY409";
    private static final String NO_SUCH_ORGANIZATION = "P0002";

    @Inject
    EntityManager em;

    /** Whether the status changed: false when it already was {@code status}. */
    boolean report(String orgId, OrganizationStatus status, String reason, String actor, String requestId) {
        try {
            return (Boolean) em.createNativeQuery(
                            "SELECT report_organization_status(?1, NULL, ?2, CAST(?3 AS text), ?4, ?5)")
                    .setParameter(1, orgId).setParameter(2, status.wire()).setParameter(3, reason)
                    .setParameter(4, actor).setParameter(5, requestId)
                    .getSingleResult();
        } catch (JDBCException e) {
            throw switch (String.valueOf(e.getSQLState())) {
                case ILLEGAL_MOVE -> ApiProblem.conflict(messageOf(e.getSQLException()));
                case NO_SUCH_ORGANIZATION -> ApiProblem.notFound(messageOf(e.getSQLException()));
                default -> e;
            };
        }
    }

    /** The function's own message, without the server's "ERROR:" prefix and PL/pgSQL context. */
    private static String messageOf(SQLException e) {
        return e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getMessage() : e.getMessage();
    }
}
