package io.tenantry.metadata.persistence;

import java.util.HashMap;
import java.util.Map;

/**
 * Builds the WHERE clause of a keyset-paginated list: a fixed condition, then optional filters that apply only
 * when their value is present. Values are always bound as parameters, never written into the query.
 */
public final class KeysetQuery {

    private final StringBuilder query;
    private final Map<String, Object> params = new HashMap<>();

    private KeysetQuery(String condition) {
        query = new StringBuilder(condition);
    }

    /** A condition every row meets ("1 = 1" for none), or a whole "from ... where ..." query. */
    public static KeysetQuery where(String condition) {
        return new KeysetQuery(condition);
    }

    /** Binds a parameter the fixed condition names. */
    public KeysetQuery bind(String name, Object value) {
        params.put(name, value);
        return this;
    }

    /** Adds {@code condition} (which names {@code :name}) only when the value is not null. */
    public KeysetQuery and(String condition, String name, Object value) {
        if (value != null) {
            query.append(" and ").append(condition);
            params.put(name, value);
        }
        return this;
    }

    public String orderBy(String order) {
        return query + " order by " + order;
    }

    public Map<String, Object> params() {
        return params;
    }

    /** A LIKE pattern for values starting with the prefix, its own % and _ taken literally (escape character \). */
    public static String startingWith(String prefix) {
        return prefix == null ? null
                : prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
