package io.tenantry.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

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
        freeOfCycles(serviceBasePackage).check(classes);
    }

    /**
     * No two packages of a module import each other, directly or around a loop; the module's root package counts as
     * a package of its own, so a subpackage that imports the root (its configuration, say) and a root that imports
     * the subpackage (its main class) form a cycle too.
     */
    public static ArchRule freeOfCycles(String basePackage) {
        return slices().assignedFrom(new FirstPackageBelow(basePackage)).should().beFreeOfCycles()
                .because("a package that imports one that imports it back cannot be understood or changed alone");
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

    /** The slice of a class is the first package below the base, or "(root)" for the base package itself. */
    private record FirstPackageBelow(String basePackage) implements SliceAssignment {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(basePackage)) {
                return SliceIdentifier.of("(root)");
            }
            if (!name.startsWith(basePackage + ".")) {
                return SliceIdentifier.ignore();
            }
            String below = name.substring(basePackage.length() + 1);
            int dot = below.indexOf('.');
            return SliceIdentifier.of(dot < 0 ? below : below.substring(0, dot));
        }

        @Override
        public String getDescription() {
            return "packages directly below " + basePackage;
        }
    }
}
