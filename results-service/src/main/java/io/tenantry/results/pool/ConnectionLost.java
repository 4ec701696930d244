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
     * The server unavailable ({@link DatabaseOutage}), a refused login (28) or a database that is gone (3D000): the
     * session is lost or was never made.
     */
    static boolean lostBy(String sqlState) {
        return DatabaseOutage.serverUnavailable(sqlState)
                || sqlState != null && (sqlState.startsWith("28") || sqlState.equals("3D000"));
    }
}
