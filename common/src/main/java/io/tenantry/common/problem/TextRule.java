package io.tenantry.common.problem;

/**
 * What text from a client must be before it may reach SQL, Redis or a log line. PostgreSQL refuses NUL in text (a
 * 500 if it gets that far), control characters forge log lines, a lone surrogate cannot be encoded and comes out
 * as '?', and a kilobyte is more than any id, name, cursor or filter of this API needs.
 */
public enum TextRule {

    /** Path, query and form parameters: printable, valid UTF-8, not only whitespace, at most 1 KiB (1024 chars). */
    PARAMETER(1024),
    /** Header values: no control character but tab (the HTTP layer refuses them first), at most 8 KiB. */
    HEADER(8192),
    /** Strings and keys in a JSON body: free text may break lines and indent (tab, LF, CR); bean validation sizes it. */
    BODY(Integer.MAX_VALUE);

    private final int maxLength;

    TextRule(int maxLength) {
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Why {@code value} breaks this rule, or null when it keeps it. */
    public String refusal(String value) {
        if (value.length() > maxLength) {
            return "is longer than " + maxLength + " characters";
        }
        if (this == PARAMETER && !value.isEmpty() && value.isBlank()) {
            return "must not be only whitespace";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "is not valid Unicode (a lone surrogate)";
            } else if (c == '\uFFFD' && this == PARAMETER) {
                // What percent-decoding makes of bytes that are not UTF-8; no id or name of this API contains it.
                return "is not valid UTF-8";
            } else if (refuses(c)) {
                return "contains the control character U+%04X".formatted((int) c);
            }
        }
        return null;
    }

    private boolean refuses(char c) {
        return switch (this) {
            case PARAMETER -> Character.getType(c) == Character.CONTROL;
            // HTTP decodes header bytes as ISO-8859-1, so 0x80-0x9F are pieces of UTF-8 characters, not C1 controls.
            case HEADER -> (c < 0x20 && c != '\t') || c == 0x7F;
            case BODY -> Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r';
        };
    }
}
