package dev.nanochat.sae.nanochat.pickle;

import java.util.Collection;
import java.util.Map;

/**
 * A short, bounded description of an unpickled value for error messages. Why not toString: a hostile
 * pickle can build values whose toString never ends (a list holding itself recurses until
 * StackOverflowError; tuples sharing one child 60 levels deep print 2^60 items). This one stops at a
 * depth of 4 and about 200 characters, whatever the shape.
 */
public final class PyRepr {
    private static final int MAX_CHARS = 200;
    private static final int MAX_DEPTH = 4;

    private PyRepr() {}

    public static String of(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0);
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "…" : out.toString();
    }

    private static void append(StringBuilder out, Object v, int depth) {
        if (out.length() > MAX_CHARS) return;
        if (v instanceof PyTuple t) {
            items(out, "(", t.items(), ")", depth);
        } else if (v instanceof Collection<?> c) {
            items(out, "[", c, "]", depth);
        } else if (v instanceof Map<?, ?> m) {
            if (depth >= MAX_DEPTH) {
                out.append("{…}");
                return;
            }
            out.append('{');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (out.length() > MAX_CHARS) break;
                append(out, e.getKey(), depth + 1);
                out.append(": ");
                append(out, e.getValue(), depth + 1);
                out.append(", ");
            }
            out.append('}');
        } else if (v instanceof PyInstance i) {
            out.append(i.type()).append("(…)");
        } else if (v instanceof PyBytes b) {
            out.append("bytes[").append(b.length()).append(']');
        } else if (v instanceof String s) {
            out.append('\'').append(s, 0, Math.min(s.length(), MAX_CHARS)).append('\'');
        } else {
            // Atoms (numbers, booleans, globals, None, storage stubs of the callers) print briefly.
            String s = String.valueOf(v instanceof PyNone ? "None" : v);
            out.append(s, 0, Math.min(s.length(), MAX_CHARS));
        }
    }

    private static void items(StringBuilder out, String open, Collection<?> items, String close, int depth) {
        if (depth >= MAX_DEPTH) {
            out.append(open).append('…').append(close);
            return;
        }
        out.append(open);
        for (Object o : items) {
            if (out.length() > MAX_CHARS) break;
            append(out, o, depth + 1);
            out.append(", ");
        }
        out.append(close);
    }
}
