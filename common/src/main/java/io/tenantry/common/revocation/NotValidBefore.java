package io.tenantry.common.revocation;

import java.time.Instant;
import java.util.Optional;

/**
 * Tokens of a subject ({@code user:<id>}, {@code client:<id>}) or of an organization issued before
 * {@code epochSecond} are refused. A token's {@code iat} has whole seconds, so a time taken back is stored as the
 * next whole second after the change ({@link #after}): a token issued in the same second as the change, before
 * or after it, is refused, and metadata-service issues the subject's next token no earlier than this second.
 */
public record NotValidBefore(Scope scope, String key, long epochSecond) {

    public enum Scope {
        SUBJECT("subject"), ORGANIZATION("organization");

        private final String wire;

        Scope(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Scope> fromWire(String wire) {
            for (Scope scope : values()) {
                if (scope.wire.equals(wire)) {
                    return Optional.of(scope);
                }
            }
            return Optional.empty();
        }
    }

    public NotValidBefore {
        if (scope == null || key == null || key.isEmpty() || key.length() > 200 || key.contains(" ")) {
            throw new IllegalArgumentException("not a revocation key: " + key);
        }
    }

    /** Every token issued up to and including the second of {@code change} is refused. */
    public static long after(Instant change) {
        return change.getEpochSecond() + 1;
    }

    /** As announced on Redis: {@code <scope> <key> <epochSecond>}. */
    public String message() {
        return scope.wire() + " " + key + " " + epochSecond;
    }

    /** Empty for a message that is not one. */
    public static Optional<NotValidBefore> parse(String message) {
        String[] parts = message == null ? new String[0] : message.split(" ");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            long epochSecond = Long.parseLong(parts[2]);
            return Scope.fromWire(parts[0]).map(scope -> new NotValidBefore(scope, parts[1], epochSecond));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
