package io.tenantry.common.problem;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * A failure that says the database is away rather than that the request was wrong: the connection was lost or
 * refused (SQLSTATE class 08), the server is shutting down, crashed or still recovering (57P01–57P03), or out of
 * connections (53). The request may be retried shortly, so the answer is 503 with Retry-After, never 500.
 */
public final class DatabaseOutage {

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private static final AtomicLong unlogged = new AtomicLong();

    private DatabaseOutage() {
    }

    public static boolean serverUnavailable(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.startsWith("53"));
    }

    /**
     * Whether {@code failure}, one of its causes or what they suppressed (a transaction manager reports a failed
     * commit's I/O error as suppressed) is a database that could not be reached or used.
     */
    public static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof ConnectException
                    || cause instanceof SQLException sql && serverUnavailable(sql.getSQLState())) {
                return true;
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (causedBy(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The 503 for an outage; logged at most once every ten seconds, with how many went unlogged between. */
    public static ApiProblem loggedProblem(Throwable failure) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warnf("database unavailable (%d more such failures since the last line): %s",
                    unlogged.getAndSet(0), failure);
        } else {
            unlogged.incrementAndGet();
        }
        return problem();
    }

    /** The 503 for an outage, for callers that log it themselves. */
    public static ApiProblem problem() {
        return ApiProblem.databaseUnavailable("the database is unavailable; retry shortly", 1);
    }
}
