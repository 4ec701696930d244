package io.tenantry.results.pool;

import java.net.SocketException;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.common.problem.DatabaseOutage;
import io.tenantry.common.problem.ProblemMappers;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Database failures as problems. Work on tenant connections reaches here as a database-unavailable problem
 * already (and {@link DatabaseIncidents} logs it once per outage); what remains are the metadata database's
 * failures and statement errors. A database that refuses or drops connections answers 503 with Retry-After;
 * constraint violations are the client's input (400/409).
 */
public class DatabaseProblemMappers {

    private static final Logger LOG = Logger.getLogger(DatabaseProblemMappers.class);

    @ServerExceptionMapper
    public Response postgres(PgException e, UriInfo uri) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        ApiProblem problem;
        if (ConnectionLost.lostBy(state) || state.equals("42501")) {
            problem = unavailable(e, uri);
        } else if (state.equals("57014") || state.equals("55P03")) {
            // Cancelled at the tenant role's statement timeout, or a lock wait given up at its lock timeout.
            problem = ApiProblem.databaseUnavailable("the query ran past the organization's time limits; retry "
                    + "shortly", 5);
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
        return ProblemMappers.toResponse(unavailable(e, uri), uri);
    }

    @ServerExceptionMapper
    public Response closed(ClosedConnectionException e, UriInfo uri) {
        return ProblemMappers.toResponse(unavailable(e, uri), uri);
    }

    /** What the driver fails a command with when its connection is already closed. */
    @ServerExceptionMapper
    public Response notConnected(NoStackTraceThrowable e, UriInfo uri) {
        return ProblemMappers.toResponse(unavailable(e, uri), uri);
    }

    private static ApiProblem unavailable(Throwable e, UriInfo uri) {
        LOG.debugf("database unavailable at %s: %s", uri.getPath(), e);
        return DatabaseOutage.problem();
    }
}
