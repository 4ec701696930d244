package io.tenantry.common.logging;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.tenantry.common.OrgId;

/**
 * Gives every request its id and puts who it is for on each log line written while it is served: the request id
 * at once, then the organization named in the path and the caller's token subject (never a name or an e-mail
 * address) once the request is matched and authenticated. At DEBUG, category {@code io.tenantry.request} logs one
 * line per answered request (method, path, status, milliseconds).
 */
public class RequestLogging {

    public static final String REQUEST_ID = "requestId";
    public static final String ORG_ID = "orgId";
    public static final String ACTOR = "actor";

    private static final Logger REQUESTS = Logger.getLogger("io.tenantry.request");
    private static final Pattern WELL_FORMED = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final String STARTED = RequestLogging.class.getName() + ".started";

    @Inject
    RequestId requestId;

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String given = request.getHeaderString(RequestId.HEADER);
        String id = given != null && WELL_FORMED.matcher(given).matches() ? given : UUID.randomUUID().toString();
        requestId.assign(id);
        MDC.put(REQUEST_ID, id);
        if (REQUESTS.isDebugEnabled()) {
            request.setProperty(STARTED, System.nanoTime());
        }
    }

    @ServerRequestFilter(priority = Priorities.USER)
    public void identify(ContainerRequestContext request) {
        String orgId = request.getUriInfo().getPathParameters().getFirst("orgId");
        if (orgId != null && OrgId.isValid(orgId)) {
            MDC.put(ORG_ID, orgId);
        }
        if (request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken token && token.getSubject() != null) {
            MDC.put(ACTOR, token.getSubject());
        }
    }

    @ServerResponseFilter
    public void answered(ContainerRequestContext request, ContainerResponseContext response) {
        if (requestId.value() != null) {
            response.getHeaders().putSingle(RequestId.HEADER, requestId.value());
        }
        if (request.getProperty(STARTED) instanceof Long started) {
            REQUESTS.debugf("%s %s %d %.1f ms", request.getMethod(), request.getUriInfo().getPath(),
                    response.getStatus(), (System.nanoTime() - started) / 1e6);
        }
    }
}
