package io.tenantry.provisioner.console;

import java.util.function.Supplier;

import io.tenantry.common.problem.ApiProblem;

/** What metadata-service or the provisioner answered when it refused an operator's action, shown on a page. */
public class ActionRefused extends RuntimeException {

    private final int status;

    public ActionRefused(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /**
     * The value of a service call, whose problem (bad input, not found, conflict) becomes the console's page with
     * the same status and detail instead of the API's JSON body.
     */
    static <T> T shownAsPage(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiProblem e) {
            throw new ActionRefused(e.status(), e.getMessage());
        }
    }
}
