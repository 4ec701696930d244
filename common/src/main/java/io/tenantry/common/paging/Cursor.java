package io.tenantry.common.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;

import io.tenantry.common.problem.ApiProblem;

/** Opaque keyset cursors: the sort key of the last row seen, base64url-encoded. */
public final class Cursor {

    private static final int MAX_LENGTH = 512;

    private Cursor() {
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the key, null for no cursor, or a 400 problem for a cursor this service did not issue. */
    public static String decode(String cursor) {
        return decode(cursor, key -> key);
    }

    /**
     * Decodes the cursor and parses its key; null for no cursor. A cursor that does not decode, or whose key
     * {@code parse} rejects with any exception, is a 400 problem: clients only ever send back what they were given.
     */
    public static <T> T decode(String cursor, Function<String, T> parse) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            if (cursor.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("cursor too long");
            }
            return parse.apply(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("the 'after' cursor is not one this service issued");
        }
    }

    /** Decodes a cursor whose key must be a UUID. */
    public static UUID decodeUuid(String cursor) {
        return decode(cursor, UUID::fromString);
    }

    /** Decodes a cursor whose key must be a long. */
    public static Long decodeLong(String cursor) {
        return decode(cursor, Long::valueOf);
    }
}
