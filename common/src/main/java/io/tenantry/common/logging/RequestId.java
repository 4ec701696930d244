package io.tenantry.common.logging;

import jakarta.enterprise.context.RequestScoped;

/**
 * The id of the request being served: the caller's {@code X-Request-Id} when well-formed, or a new one. It is
 * echoed in the response, written on every log line of the request and recorded in audit entries.
 */
@RequestScoped
public class RequestId {

    public static final String HEADER = "X-Request-Id";

    private String value;

    public String value() {
        return value;
    }

    void assign(String value) {
        this.value = value;
    }
}
