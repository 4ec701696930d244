package io.tenantry.metadata.web;

import jakarta.enterprise.context.RequestScoped;

/** The id of the request being served; the audit log records it next to each change. */
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
