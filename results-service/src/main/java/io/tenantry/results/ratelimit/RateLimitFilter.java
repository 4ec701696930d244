package io.tenantry.results.ratelimit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.common.problem.ProblemMappers;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.tenant.TenantDirectory;
import io.vertx.ext.web.RoutingContext;

/**
 * Holds every request to an organization's data API to that organization's limits: 429 with {@code Retry-After}
 * past them, and the RateLimit headers on every answer. Only a request whose token names the organization of its
 * path counts against it; any other is refused further on without touching the organization's data, and must not
 * use up its limits.
 */
public class RateLimitFilter {

    private static final String DECISION = RateLimitFilter.class.getName() + ".decision";

    @Inject
    RateLimits rateLimits;

    @Inject
    TenantDirectory directory;

    @Inject
    CurrentIdentityAssociation identity;

    @Inject
    RoutingContext routing;

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request, UriInfo uri) {
        String orgId = uri.getPathParameters().getFirst("orgId");
        if (orgId == null) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity()
                .onFailure().recoverWithNull()
                .chain(caller -> orgId.equals(organizationOf(caller)) ? directory.lookup(orgId)
                        : Uni.createFrom().nullItem())
                .onFailure().recoverWithNull()
                .chain(route -> route == null || route.isEmpty() ? Uni.createFrom().nullItem()
                        : rateLimits.acquire(orgId, rateLimits.limits(route.get())).map(decision -> {
                            if (!decision.allowed()) {
                                return refusal(decision, uri);
                            }
                            request.setProperty(DECISION, new Place(decision));
                            return null;
                        }));
    }

    /**
     * The place is given back before the answer goes out, so the client's next request never finds its last one
     * still counted; the exchange's end gives it back when no answer was written (a cancelled request).
     */
    @ServerResponseFilter
    public void answering(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof Place place) {
            place.decision.headers().forEach(response.getHeaders()::putSingle);
            place.giveBack();
        }
    }

    /** A request's place among its organization's concurrent requests, given back once. */
    private final class Place {
        private final Decision decision;
        private final AtomicBoolean released = new AtomicBoolean();

        Place(Decision decision) {
            this.decision = decision;
            routing.addEndHandler(ended -> giveBack());
        }

        void giveBack() {
            if (released.compareAndSet(false, true)) {
                rateLimits.release(decision);
            }
        }
    }

    private static Response refusal(Decision decision, UriInfo uri) {
        Map<String, String> headers = new HashMap<>(decision.headers());
        headers.put("Retry-After", Long.toString(Math.max(1, decision.retryAfterSeconds())));
        return ProblemMappers.toResponse(new ApiProblem(429, "Too Many Requests", "organization '"
                + decision.orgId() + "' is over its limit of " + decision.limits().requestsPerSecond()
                + " requests per second or " + decision.limits().concurrentRequests()
                + " concurrent requests; retry after the time in Retry-After", headers), uri);
    }

    private static String organizationOf(SecurityIdentity caller) {
        return caller != null && caller.getPrincipal() instanceof JsonWebToken token
                ? TenantAccess.organizationOf(token) : null;
    }
}
