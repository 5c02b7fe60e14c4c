package dev.nanochat.sae.nanochat.pickle;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The only globals a pickle may name. Functions are "called" by a Java handler that interprets their
 * arguments (no Python code exists here); classes may only be created empty by NEWOBJ and given state
 * by BUILD; references (storage types) are pushed as plain names. Anything else is refused when the
 * GLOBAL opcode is read, before it could ever be used.
 */
public record PickleAllowList(
        Map<PyGlobal, Function<PyTuple, Object>> functions, Set<PyGlobal> classes, Set<PyGlobal> references) {
    public PickleAllowList {
        functions = Map.copyOf(functions);
        classes = Set.copyOf(classes);
        references = Set.copyOf(references);
    }

    boolean allows(PyGlobal g) {
        return functions.containsKey(g) || classes.contains(g) || references.contains(g);
    }

    String describe() {
        Set<String> names = new TreeSet<>();
        functions.keySet().forEach(g -> names.add(g.toString()));
        classes.forEach(g -> names.add(g.toString()));
        references.forEach(g -> names.add(g.toString()));
        return String.join(", ", names);
    }
}
