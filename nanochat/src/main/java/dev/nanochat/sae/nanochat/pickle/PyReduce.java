package dev.nanochat.sae.nanochat.pickle;

import java.util.Map;

/**
 * What {@link PickleWriter} emits for `obj.__reduce__()`: callable(args), then dict items (SETITEMS),
 * then BUILD with state when state is non-null. Used for OrderedDict and torch tensors.
 */
public record PyReduce(PyGlobal callable, PyTuple args, Map<?, ?> dictItems, Object state) {}
