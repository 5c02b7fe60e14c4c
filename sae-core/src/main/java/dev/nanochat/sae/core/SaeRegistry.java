package dev.nanochat.sae.core;

import dev.nanochat.sae.core.arch.gated.GatedSae;
import dev.nanochat.sae.core.arch.jumprelu.JumpReluSae;
import dev.nanochat.sae.core.arch.relu.StandardSae;
import dev.nanochat.sae.core.arch.topk.TopKSae;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.io.SaeLensFolder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/** Loads a SAELens folder into the {@link Sae} class registered for its cfg.json {@code architecture}. */
public final class SaeRegistry {
    private static final Map<String, BiFunction<SaeConfig, Map<String, HostTensor>, Sae>> LOADERS = Map.of(
            "standard", StandardSae::new,
            "topk", TopKSae::new,
            "jumprelu", JumpReluSae::new,
            "gated", GatedSae::new);

    private SaeRegistry() {}

    public static Set<String> architectures() {
        return new TreeSet<>(LOADERS.keySet());
    }

    public static Sae load(Path dir) {
        SaeLensFolder.Contents c = SaeLensFolder.read(dir);
        String arch = c.cfg().path("architecture").asText("");
        var loader = LOADERS.get(arch);
        if (loader == null)
            throw new IllegalArgumentException(
                    dir.resolve("cfg.json") + ": unknown architecture '" + arch + "' (known: " + architectures() + ")");
        try {
            return create(arch, SaeLensCfg.fromJson(c.cfg()), c.weights());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
        }
    }

    public static Sae create(String saeLensArchitecture, SaeConfig cfg, Map<String, HostTensor> weights) {
        var loader = LOADERS.get(saeLensArchitecture);
        if (loader == null)
            throw new IllegalArgumentException(
                    "unknown SAELens architecture '" + saeLensArchitecture + "' (known: " + architectures() + ")");
        return loader.apply(cfg, weights);
    }
}
