package io.tenantry.common;

import java.util.Arrays;
import java.util.Locale;

import io.tenantry.common.problem.ApiProblem;

/** Enums travel as their lowercase names; a word that names no constant is the client's mistake (400). */
public final class WireEnums {

    private WireEnums() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        throw ApiProblem.badRequest(field + " must be one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    }
}
