package io.tenantry.provisioner.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binding a statement's parameters in order, for the provisioner's own SQL on the metadata database. */
public final class Statements {

    private Statements() {
    }

    /** Sets each value as the next parameter; the driver picks the SQL type from the Java type (null stays untyped). */
    public static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }
}
