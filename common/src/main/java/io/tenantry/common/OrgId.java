package io.tenantry.common;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.tenantry.common.problem.ApiProblem;

/**
 * The immutable slug that names an organization everywhere. It becomes part of SQL identifiers
 * ({@code results_<org_id>} and the tenant role), so it is validated strictly and reserved words are refused.
 */
public final class OrgId {

    public static final String PATTERN = "^[a-z][a-z0-9_]{2,39}$";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    /** Words that would read as PostgreSQL keywords or platform names once they become identifiers. */
    static final Set<String> RESERVED = Set.of(
            "admin", "all", "analyse", "analyze", "and", "any", "api", "array", "as", "asc", "both", "case", "cast",
            "check", "collate", "column", "constraint", "create", "current_user", "database", "default", "delete",
            "desc", "distinct", "do", "drop", "else", "end", "except", "false", "fetch", "for", "foreign", "from",
            "grant", "group", "having", "in", "initially", "insert", "intersect", "into", "lateral", "leading",
            "limit", "metadata", "not", "null", "offset", "on", "only", "or", "order", "placing", "platform",
            "postgres", "primary", "public", "references", "returning", "role", "root", "select", "session_user",
            "some", "super", "superuser", "system", "table", "template", "template0", "template1", "tenant",
            "tenantry", "then", "to", "trailing", "true", "union", "unique", "update", "user", "using", "variadic",
            "when", "where", "window", "with");

    private final String value;

    private OrgId(String value) {
        this.value = value;
    }

    /** Parses and validates; throws {@link InvalidOrgIdException} with a reason a client can act on. */
    public static OrgId of(String raw) {
        String problem = validate(raw);
        if (problem != null) {
            throw new InvalidOrgIdException(problem);
        }
        return new OrgId(raw);
    }

    /** Returns null when valid, otherwise why not. */
    public static String validate(String raw) {
        if (raw == null || !COMPILED.matcher(raw).matches()) {
            return "organization id must match " + PATTERN
                    + " (3 to 40 characters: a lowercase letter, then lowercase letters, digits or underscores)";
        }
        if (RESERVED.contains(raw) || raw.startsWith("pg_")) {
            return "organization id '" + raw + "' is reserved";
        }
        return null;
    }

    public static boolean isValid(String raw) {
        return validate(raw) == null;
    }

    public String value() {
        return value;
    }

    /** The tenant database name; safe as an identifier because the id matched {@link #PATTERN}. */
    public String databaseName() {
        return "results_" + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrgId other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** A client's invalid organization id: a 400 wherever it surfaces in a request. */
    public static final class InvalidOrgIdException extends ApiProblem {
        public InvalidOrgIdException(String message) {
            super(400, "Bad Request", message);
        }
    }
}
