package io.tenantry.metadata.web;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Takes the caller's {@code X-Request-Id} when well-formed, or makes one, and echoes it in the response. */
public class RequestIdFilters {

    private static final Pattern WELL_FORMED = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    @Inject
    RequestId requestId;

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String given = request.getHeaderString(RequestId.HEADER);
        requestId.assign(given != null && WELL_FORMED.matcher(given).matches() ? given : UUID.randomUUID().toString());
    }

    @ServerResponseFilter
    public void echo(ContainerResponseContext response) {
        if (requestId.value() != null) {
            response.getHeaders().putSingle(RequestId.HEADER, requestId.value());
        }
    }
}
