package io.tenantry.provisioner.tenant;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.schema.ResultsSchema;

/** Where tenant databases' migrations come from: the released results schema, and staged migrations if any. */
@ApplicationScoped
public class ResultsMigrations {

    @Inject
    ProvisionerConfig config;

    public List<String> locations() {
        return config.stagedResultsMigrations()
                .map(staged -> List.of(ResultsSchema.LOCATION, staged))
                .orElse(List.of(ResultsSchema.LOCATION));
    }
}
