package dev.nanochat.sae.corpus;

import java.nio.file.Path;

/**
 * The platform's home directory for caches and generated models: {@code $SAE_HOME}, else the
 * system property {@code sae.home}, else {@code ~/.sae}. Layout: {@code corpus/} (extracted
 * corpora), {@code nanochat/} (the demo model, a nanochat base dir).
 */
public final class SaeHome {
    private SaeHome() {}

    public static Path resolve() {
        String env = System.getenv("SAE_HOME");
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty("sae.home");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of(System.getProperty("user.home"), ".sae");
    }
}
