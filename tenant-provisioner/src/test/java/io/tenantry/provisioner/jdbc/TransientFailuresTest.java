package io.tenantry.provisioner.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {

    @Test
    void unreachableBusyOrRacingDatabasesAreTransient() {
        assertTrue(TransientFailures.isTransient(new SQLException("Sorry, acquisition timeout!")));
        assertTrue(TransientFailures.isTransient(new SQLException("refused", "08001")));
        assertTrue(TransientFailures.isTransient(new SQLException("too many clients", "53300")));
        assertTrue(TransientFailures.isTransient(new SQLException("shutting down", "57P01")));
        assertTrue(TransientFailures.isTransient(new SQLException("deadlock", "40P01")));
        assertTrue(TransientFailures.isTransient(new SQLException("ERROR: tuple concurrently updated", "XX000")));
        assertTrue(TransientFailures.isTransient(new FlywayException("migrate", new SQLException("gone", "08006"))));
    }

    @Test
    void failuresOfTheTenantItselfAreNot() {
        assertFalse(TransientFailures.isTransient(new SQLException("syntax", "42601")));
        assertFalse(TransientFailures.isTransient(new SQLException("ERROR: could not open file", "XX000")));
        assertFalse(TransientFailures.isTransient(new FlywayException("migration V2 failed",
                new SQLException("column exists", "42701"))));
        assertFalse(TransientFailures.isTransient(new IllegalStateException("no server has room")));
    }
}
