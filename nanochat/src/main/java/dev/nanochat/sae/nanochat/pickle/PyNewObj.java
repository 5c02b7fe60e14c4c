package dev.nanochat.sae.nanochat.pickle;

/** `cls.__new__(cls)` followed by BUILD(state): how protocol ≥2 pickles tiktoken's Encoding. */
public record PyNewObj(PyGlobal cls, Object state) {}
