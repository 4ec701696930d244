package io.tenantry.testing;

import java.util.Arrays;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/** The boundaries every service keeps, checked by each service's architecture test. */
public final class ArchitectureRules {

    private static final String[] SERVICES = {"io.tenantry.metadata..", "io.tenantry.provisioner..",
            "io.tenantry.results.."};

    private ArchitectureRules() {
    }

    /** Checks every rule against a service's production classes, e.g. {@code verify("io.tenantry.metadata")}. */
    public static void verify(String serviceBasePackage) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(serviceBasePackage);
        resourcesStayThin().allowEmptyShould(true).check(classes);
        staysInside(serviceBasePackage + "..").allowEmptyShould(true).check(classes);
    }

    /** REST resources translate HTTP; persistence and transactions belong to services and entities. */
    public static ArchRule resourcesStayThin() {
        return noClasses().that().areAnnotatedWith("jakarta.ws.rs.Path")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.persistence..", "jakarta.transaction..",
                        "io.quarkus.hibernate.orm.panache..", "io.vertx.mutiny.sqlclient..", "io.vertx.sqlclient..",
                        "java.sql..", "io.quarkus.redis..")
                .orShould().beAnnotatedWith("jakarta.transaction.Transactional")
                .because("resources stay thin: logic lives in services, persistence in entities and repositories");
    }

    /** A service never reaches into another service's code; what they share lives in the common module. */
    public static ArchRule staysInside(String servicePackage) {
        String[] others = Arrays.stream(SERVICES).filter(p -> !p.equals(servicePackage))
                .toArray(String[]::new);
        return noClasses().that().resideInAPackage(servicePackage)
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("services talk over HTTP, Redis or the database, never through each other's classes");
    }
}
