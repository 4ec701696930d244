package io.tenantry.common.paging;

import java.util.UUID;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (cursor.length() > MAX_LENGTH) {
            throw ApiProblem.badRequest("the 'after' cursor is not one this service issued");
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("the 'after' cursor is not one this service issued");
        }
    }

    /** Decodes a cursor whose key must be a UUID. */
    public static UUID decodeUuid(String cursor) {
        String key = decode(cursor);
        if (key == null) {
            return null;
        }
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("the 'after' cursor is not one this service issued");
        }
    }

    /** Decodes a cursor whose key must be a long. */
    public static Long decodeLong(String cursor) {
        String key = decode(cursor);
        if (key == null) {
            return null;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("the 'after' cursor is not one this service issued");
        }
    }
}
