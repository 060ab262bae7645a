package dev.adit.protocol;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Lower-cased header names for HTTP/2, which forbids upper case. Every request and response crosses
 * an HTTP/1.1 to HTTP/2 translation, and servers send {@code Content-Type}, not
 * {@code content-type}: the registered names (Netty's {@link HttpHeaderNames}) come from a table
 * instead of a fresh lower-cased copy per header; any other name is lower-cased as before.
 */
public final class HeaderNames {
    private static final AsciiString[] TABLE = build();
    private static final int MASK = TABLE.length - 1;

    private HeaderNames() {
    }

    /** {@code name} in lower case: the shared constant for a registered name, else a copy only if needed. */
    public static AsciiString lowerCase(CharSequence name) {
        // AsciiString's hash ignores ASCII case, so "Content-Type" lands on the slot of "content-type".
        int i = AsciiString.hashCode(name) & MASK;
        AsciiString known;
        while ((known = TABLE[i]) != null) {
            if (known.contentEqualsIgnoreCase(name)) {
                return known;
            }
            i = (i + 1) & MASK;
        }
        return AsciiString.of(name).toLowerCase();
    }

    private static AsciiString[] build() {
        List<AsciiString> names = new ArrayList<>();
        for (Field f : HttpHeaderNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == AsciiString.class) {
                try {
                    names.add((AsciiString) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        names.add(AsciiString.cached("x-forwarded-for"));
        names.add(AsciiString.cached("x-forwarded-proto"));
        names.add(AsciiString.cached("x-forwarded-host"));
        names.add(AsciiString.cached("x-real-ip"));
        names.add(AsciiString.cached("x-request-id"));
        names.add(AsciiString.cached("strict-transport-security"));
        names.add(AsciiString.cached("x-content-type-options"));
        names.add(AsciiString.cached("x-frame-options"));
        int size = Integer.highestOneBit(names.size() * 4);
        AsciiString[] table = new AsciiString[size];
        for (AsciiString n : names) {
            int i = AsciiString.hashCode(n) & (size - 1);
            while (table[i] != null && !table[i].contentEquals(n)) {
                i = (i + 1) & (size - 1);
            }
            table[i] = n;
        }
        return table;
    }
}
