package dev.nanochat.sae.neuronpedia.api;

import java.util.Optional;

/**
 * Per-request progress of one upload, kept outside the process so a crash loses nothing: PostgreSQL
 * in neuronpedia-service, a JSON file beside the package in the CLI. A step is marked SENDING before
 * its request goes out and DONE once the server accepted it; a SENDING step found at resume is
 * checked against the server before anything is re-sent.
 */
public interface UploadProgress {
    enum State {
        SENDING,
        DONE
    }

    record Step(State state, String digest) {}

    Optional<Step> step(String key);

    void mark(String key, State state, String digest);
}
