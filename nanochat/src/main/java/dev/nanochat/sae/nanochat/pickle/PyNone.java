package dev.nanochat.sae.nanochat.pickle;

/** Python's None inside immutable collections (List.copyOf refuses null). */
public enum PyNone {
    NONE
}
