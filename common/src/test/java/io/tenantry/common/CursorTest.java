package io.tenantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.tenantry.common.paging.Cursor;
import io.tenantry.common.problem.ApiProblem;

class CursorTest {

    @Test
    void aKeyComesBackAsItWentOut() {
        UUID id = UUID.randomUUID();
        assertEquals(id, Cursor.decodeUuid(Cursor.encode(id.toString())));
        assertEquals(42L, Cursor.decodeLong(Cursor.encode("42")));
        assertEquals("-7.5/12", Cursor.decode(Cursor.encode("-7.5/12")));
    }

    @Test
    void noCursorMeansTheFirstPage() {
        assertNull(Cursor.decode(null));
        assertNull(Cursor.decode("", Integer::valueOf));
    }

    @Test
    void aCursorThisServiceDidNotIssueIsABadRequest() {
        for (String forged : new String[] {"%%%", Cursor.encode("not-a-uuid"), "A".repeat(600)}) {
            ApiProblem problem = assertThrows(ApiProblem.class, () -> Cursor.decodeUuid(forged));
            assertEquals(400, problem.status());
        }
        ApiProblem problem = assertThrows(ApiProblem.class,
                () -> Cursor.decode(Cursor.encode("no separator"), key -> key.substring(0, key.indexOf('/'))));
        assertEquals(400, problem.status());
    }
}
