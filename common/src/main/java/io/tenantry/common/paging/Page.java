package io.tenantry.common.paging;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paginated list. {@code next} is an opaque cursor for the following page, or null when
 * this page is the last.
 */
public record Page<T>(List<T> items, String next) {

    /** As a string, because it is the @DefaultValue of every list's limit parameter. */
    public static final String DEFAULT_LIMIT = "50";
    public static final int MAX_LIMIT = 200;

    /**
     * Builds a page from rows fetched with {@code limit + 1}: the extra row only tells whether another page exists.
     */
    public static <R, T> Page<T> of(List<R> rows, int limit, Function<R, String> keyOf, Function<R, T> view) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? Cursor.encode(keyOf.apply(shown.get(shown.size() - 1))) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }
}
