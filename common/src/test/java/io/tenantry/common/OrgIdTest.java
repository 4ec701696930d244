package io.tenantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OrgIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"acme", "acme_labs", "a12", "lab_2024_x", "abcdefghijabcdefghijabcdefghijabcdefghij"})
    void acceptsSlugs(String raw) {
        assertTrue(OrgId.isValid(raw), raw);
        assertEquals("results_" + raw, OrgId.of(raw).databaseName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "Acme", "1acme", "_acme", "acme-labs", "acme labs", "acme;drop",
            "x\"; DROP DATABASE results_b; --", "acme'--", "acmé", "abcdefghijabcdefghijabcdefghijabcdefghijk",
            "select", "postgres", "template1", "pg_acme", "acme\n"})
    void refusesEverythingElse(String raw) {
        assertFalse(OrgId.isValid(raw), raw);
        assertThrows(OrgId.InvalidOrgIdException.class, () -> OrgId.of(raw));
    }

    @Test
    void refusesNull() {
        assertFalse(OrgId.isValid(null));
    }
}
