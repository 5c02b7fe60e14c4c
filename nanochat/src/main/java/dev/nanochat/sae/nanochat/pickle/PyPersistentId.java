package dev.nanochat.sae.nanochat.pickle;

/** A persistent id (BINPERSID): torch.save refers to tensor storages this way. */
public record PyPersistentId(Object pid) {}
