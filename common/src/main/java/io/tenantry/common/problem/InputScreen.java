package io.tenantry.common.problem;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;


/**
 * Checks every path, query and form parameter and every header of a matched request against {@link TextRule}
 * before any endpoint sees it, so no endpoint has to remember to; JSON bodies are checked as they are read
 * ({@link SafeTextModule}). A refusal is a 400 problem naming the parameter. The form body of an endpoint that takes
 * form parameters is read before this filter ({@link WithFormRead}); other bodies are left to their readers.
 */
public class InputScreen {

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    @WithFormRead
    public void screen(ResteasyReactiveContainerRequestContext request) {
        check(request.getUriInfo().getPathParameters(true), "", TextRule.PARAMETER);
        check(request.getUriInfo().getQueryParameters(true), "", TextRule.PARAMETER);
        check(request.getHeaders(), "header ", TextRule.HEADER);
        if (request.getServerRequestContext() instanceof ResteasyReactiveRequestContext context
                && context.getFormData() != null) {
            checkForm(context.getFormData());
        }
    }

    private static void check(MultivaluedMap<String, String> values, String kind, TextRule rule) {
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            check(kind + entry.getKey(), entry.getKey(), TextRule.PARAMETER);
            for (String value : entry.getValue()) {
                check(kind + entry.getKey(), value, rule);
            }
        }
    }

    private static void checkForm(FormData form) {
        for (String name : form) {
            check(name, name, TextRule.PARAMETER);
            for (FormValue value : form.get(name)) {
                if (!value.isFileItem()) {
                    check(name, value.getValue(), TextRule.PARAMETER);
                }
            }
        }
    }

    private static void check(String name, String value, TextRule rule) {
        String refusal = value == null ? null : rule.refusal(value);
        if (refusal != null) {
            throw ApiProblem.invalid(TextRule.PARAMETER.refusal(name) == null ? name : "(unprintable name)", refusal);
        }
    }
}
