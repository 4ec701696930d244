package io.tenantry.results.pool;

import java.net.SocketException;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.common.problem.ProblemMappers;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Database failures as problems. A tenant database that refuses or drops connections answers 503 for that
 * tenant's requests only; constraint violations are the client's input (400/409).
 */
public class DatabaseProblemMappers {

    private static final Logger LOG = Logger.getLogger(DatabaseProblemMappers.class);

    @ServerExceptionMapper
    public Response postgres(PgException e, UriInfo uri) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        ApiProblem problem;
        if (state.startsWith("28") || state.equals("42501") || state.equals("3D000") || state.startsWith("57")
                || state.startsWith("08")) {
            LOG.warnf("tenant database unavailable at %s: %s", uri.getPath(), e.getMessage());
            problem = unavailable();
        } else if (state.equals("23505")) {
            problem = ApiProblem.conflict("that already exists");
        } else if (state.startsWith("22") || state.equals("23514") || state.equals("23502")) {
            problem = ApiProblem.badRequest("a value is out of range or malformed: " + e.getErrorMessage());
        } else {
            LOG.error("database failure", e);
            problem = new ApiProblem(500, "Internal Server Error", "the server could not complete the request");
        }
        return ProblemMappers.toResponse(problem, uri);
    }

    /** Refused ({@link java.net.ConnectException}), or reset under a running query when its backend was killed. */
    @ServerExceptionMapper
    public Response unreachable(SocketException e, UriInfo uri) {
        LOG.warnf("tenant database unreachable at %s: %s", uri.getPath(), e.getMessage());
        return ProblemMappers.toResponse(unavailable(), uri);
    }

    @ServerExceptionMapper
    public Response closed(ClosedConnectionException e, UriInfo uri) {
        return ProblemMappers.toResponse(unavailable(), uri);
    }

    private static ApiProblem unavailable() {
        return new ApiProblem(503, "Service Unavailable", "the organization's database is unavailable; retry shortly",
                Map.of("Retry-After", "5"));
    }
}
