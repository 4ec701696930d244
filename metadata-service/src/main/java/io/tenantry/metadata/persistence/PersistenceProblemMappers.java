package io.tenantry.metadata.persistence;

import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.common.problem.ProblemMappers;

/** Races the services cannot rule out beforehand: a concurrent update, or a duplicate that slipped in first. */
public class PersistenceProblemMappers {

    @ServerExceptionMapper
    public Response optimisticLock(OptimisticLockException e, UriInfo uri) {
        return ProblemMappers.toResponse(ApiProblem.conflict(
                "the resource was changed by someone else; read it again and retry"), uri);
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e, UriInfo uri) {
        if (e.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE) {
            return ProblemMappers.toResponse(ApiProblem.conflict("that already exists"), uri);
        }
        return ProblemMappers.toResponse(ApiProblem.unprocessable(
                "the change breaks a rule of the data model"), uri);
    }
}
