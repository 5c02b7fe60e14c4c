package dev.nanochat.sae.neuronpedia.api;

/**
 * A Neuronpedia API key. It goes into the {@code x-api-key} header and nowhere else: {@link #toString()}
 * is masked so string concatenation, exceptions and log lines cannot leak it, and nothing here
 * serialises it. Read from {@code NEURONPEDIA_API_KEY} (a Kubernetes Secret is mounted as that variable).
 */
public final class ApiKey {
    public static final String ENV = "NEURONPEDIA_API_KEY";
    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    public static ApiKey of(String value) {
        if (value == null || value.isBlank())
            throw new IllegalArgumentException("Neuronpedia API key is empty; set " + ENV);
        return new ApiKey(value.strip());
    }

    /** The key from the environment, or a clear error naming the variable (never its value). */
    public static ApiKey fromEnvironment() {
        String v = System.getenv(ENV);
        if (v == null || v.isBlank())
            throw new IllegalStateException(ENV + " is not set: uploads need a Neuronpedia API key");
        return new ApiKey(v.strip());
    }

    /** Only for the header. */
    String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ApiKey[****]";
    }
}
