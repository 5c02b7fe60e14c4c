package dev.nanochat.sae.core.io;

import java.io.IOException;

/** A consumer that may throw IOException (used to fill files and temp directories). */
@FunctionalInterface
public interface IoConsumer<T> {
    void accept(T value) throws IOException;
}
