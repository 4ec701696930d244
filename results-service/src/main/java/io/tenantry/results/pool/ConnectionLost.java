package io.tenantry.results.pool;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.tenantry.common.problem.DatabaseOutage;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a failure of the connection (the server went away, reset the session, refused it, or the connection stopped
 * answering) from a failure of the statement it ran (a constraint, a bad value, our own code). A connection that
 * failed the first way is never lent again: the next request gets a new one.
 */
final class ConnectionLost {

    private ConnectionLost() {
    }

    static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg) {
                return lostBy(pg.getSqlState());
            }
            // The driver fails commands sent on a connection it already knows is closed with this bare throwable.
            if (cause instanceof ClosedConnectionException || cause instanceof IOException
                    || cause instanceof NoStackTraceThrowable || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the tenant's database refused its role in a way that says the route may point to a database the
     * tenant left: writes or connections refused (42501, as a move's switch fences the old database), the database
     * gone (3D000) or the login refused (28, the role dropped with it). The server being away is not such a sign.
     */
    static boolean routeStale(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg) {
                String state = pg.getSqlState();
                return state != null && (state.equals("42501") || state.equals("3D000") || state.startsWith("28"));
            }
        }
        return false;
    }

    /**
     * The server unavailable ({@link DatabaseOutage}), a refused login (28) or a database that is gone (3D000): the
     * session is lost or was never made.
     */
    static boolean lostBy(String sqlState) {
        return DatabaseOutage.serverUnavailable(sqlState)
                || sqlState != null && (sqlState.startsWith("28") || sqlState.equals("3D000"));
    }
}
