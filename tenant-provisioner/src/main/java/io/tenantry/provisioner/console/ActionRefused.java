package io.tenantry.provisioner.console;

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
}
