package io.tenantry.testing;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A {@code @ConfigMapping} interface (or a group of one) answering only the given methods, for plain unit tests. */
public final class ConfigStub {

    private ConfigStub() {
    }

    public static <T> T of(Class<T> type, Map<String, Object> answersByMethodName) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!answersByMethodName.containsKey(method.getName())) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
            }
            return answersByMethodName.get(method.getName());
        }));
    }
}
