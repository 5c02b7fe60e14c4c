package dev.nanochat.sae.nanochat.pickle;

import java.util.List;

/** An immutable Python tuple. */
public record PyTuple(List<Object> items) {
    public PyTuple {
        items = List.copyOf(items.stream().map(PyTuple::nullSafe).toList());
    }

    private static Object nullSafe(Object o) {
        return o == null ? PyNone.NONE : o;
    }

    public int size() {
        return items.size();
    }

    public Object get(int i) {
        Object o = items.get(i);
        return o == PyNone.NONE ? null : o;
    }
}
