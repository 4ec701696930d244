package io.tenantry.results.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which refusals of a tenant database make a replica look the tenant up again: those a moved tenant's old database
 * gives (its writes or connections revoked, the database or the role dropped), and not a server that is down.
 */
class StaleRouteRefusalsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "42501, true",   // the switch revoked the role's writes, or afterwards its CONNECT
            "3D000, true",   // the old database dropped
            "28000, true",   // the role dropped with it
            "28P01, true",   // a login refused
            "57P01, false",  // the server shutting down or the session terminated by an administrator
            "57P03, false",  // the server starting
            "08006, false",  // the connection failed
            "53300, false",  // too many connections
            "40001, false",  // a serialization failure: the statement's problem, not the route's
            "23505, false"})
    void aRefusalOfTheRoleSaysTheRouteMayBeStaleAnOutageDoesNot(String sqlState, boolean stale) {
        PgException refusal = new PgException("refused", "ERROR", sqlState, null);
        assertEquals(stale, ConnectionLost.routeStale(refusal));
        assertEquals(stale, ConnectionLost.routeStale(new CompletionException(refusal)), "as a cause");
    }

    @Test
    void aServerThatCannotBeReachedSaysNothingOfTheRoute() {
        assertFalse(ConnectionLost.routeStale(new ConnectException("Connection refused")));
        assertFalse(ConnectionLost.routeStale(ClosedConnectionException.INSTANCE));
    }
}
