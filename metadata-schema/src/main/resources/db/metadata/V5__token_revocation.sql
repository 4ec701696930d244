-- Tokens that can be taken back. A token whose subject (user:<id> or client:<id>) or organization has a row here is
-- refused by every service when it was issued before not_valid_before. metadata-service writes a row in the same
-- transaction as the change that takes a grant away (a member removed, a user disabled, a password changed, an API
-- client revoked, an organization suspended), and announces it on Redis; every service also re-reads the rows changed
-- lately every few seconds, so a lost announcement delays a revocation by a poll interval at most.
CREATE TABLE token_revocations (
    scope            text        NOT NULL CHECK (scope IN ('subject', 'organization')),
    key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    -- A whole second: tokens carry their issue time (iat) in whole seconds, and any token issued before is refused.
    not_valid_before timestamptz NOT NULL CHECK (not_valid_before = date_trunc('second', not_valid_before)),
    -- The time of the writing transaction, for the services' "what changed since" polls.
    changed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX token_revocations_changed_idx ON token_revocations (changed_at);

GRANT SELECT ON token_revocations TO tenantry_provisioner, tenantry_results;
