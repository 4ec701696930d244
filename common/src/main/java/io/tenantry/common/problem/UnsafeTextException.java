package io.tenantry.common.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** A string or key in a JSON body that breaks {@link TextRule#BODY}; Jackson adds the path to it on the way out. */
public class UnsafeTextException extends MismatchedInputException {

    private final String reason;

    UnsafeTextException(JsonParser parser, String reason) {
        super(parser, "text " + reason, String.class);
        this.reason = reason;
    }

    /** What is wrong with the text, such as "contains the control character U+0000". */
    public String reason() {
        return reason;
    }
}
