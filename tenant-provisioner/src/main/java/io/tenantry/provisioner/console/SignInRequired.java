package io.tenantry.provisioner.console;

/** A console request without a valid session: the browser is sent to the sign-in page, with why. */
public class SignInRequired extends RuntimeException {

    public SignInRequired(String reason) {
        super(reason, null, false, false);
    }
}
