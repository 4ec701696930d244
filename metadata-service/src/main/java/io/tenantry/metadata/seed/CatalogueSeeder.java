package io.tenantry.metadata.seed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;
import io.tenantry.metadata.pipeline.PipelineRequests;
import io.tenantry.metadata.pipeline.PipelineTemplate;
import io.tenantry.metadata.pipeline.PipelineTemplates;
import io.tenantry.metadata.task.TaskCatalogue;
import io.tenantry.metadata.task.TaskDefinition;
import io.tenantry.metadata.task.TaskRequests;

/**
 * Applies the system task definitions and global pipeline templates under {@code seed/} at every start:
 * missing definitions are added, existing ones left alone, and a global template whose steps differ from its
 * newest version gets a new version. An advisory lock keeps replicas starting together from racing.
 */
@ApplicationScoped
public class CatalogueSeeder {

    private static final Logger LOG = Logger.getLogger(CatalogueSeeder.class);
    private static final long SEED_LOCK = 0x7465_6e61_6e74_7279L;

    @Inject
    ObjectMapper json;

    @Inject
    EntityManager em;

    @Inject
    TaskCatalogue tasks;

    @Inject
    PipelineTemplates templates;

    void onStart(@Observes StartupEvent event) {
        seed();
    }

    @Transactional
    public void seed() {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, SEED_LOCK).getSingleResult();
        int added = 0;
        for (TaskRequests.Define definition : read("seed/task-definitions.json", new TypeReference<List<TaskRequests.Define>>() { })) {
            if (TaskDefinition.findById(definition.name()) == null) {
                tasks.define(definition, true);
                added++;
            }
        }
        for (PipelineRequests.Create template : read("seed/pipeline-templates.json", new TypeReference<List<PipelineRequests.Create>>() { })) {
            PipelineTemplate latest = PipelineTemplate.latest(null, template.name());
            if (latest == null || !latest.steps.equals(json.convertValue(template.steps(), List.class))) {
                templates.save(null, template, "system");
                added++;
            }
        }
        if (added > 0) {
            LOG.infof("seeded %d catalogue entries", added);
        }
    }

    private <T> T read(String resource, TypeReference<T> type) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing seed file " + resource);
            }
            return json.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read seed file " + resource, e);
        }
    }
}
