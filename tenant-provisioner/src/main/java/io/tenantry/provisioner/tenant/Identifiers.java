package io.tenantry.provisioner.tenant;

import java.util.regex.Pattern;

/**
 * Quoting for the identifiers and the one literal that DDL cannot take as parameters. Every value has already
 * been validated against a strict pattern; quoting is the second line of defence, not the first.
 */
public final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");
    private static final Pattern PASSWORD = Pattern.compile("^[A-Za-z0-9_-]{20,100}$");

    private Identifiers() {
    }

    public static String quote(String identifier) {
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("refusing an unexpected SQL identifier");
        }
        return '"' + identifier + '"';
    }

    /** Quoted and comma-separated, for a column list. */
    public static String quoteAll(java.util.List<String> identifiers) {
        return String.join(", ", identifiers.stream().map(Identifiers::quote).toList());
    }

    static String passwordLiteral(String password) {
        if (!PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("refusing an unexpected password shape");
        }
        return "'" + password + "'";
    }
}
