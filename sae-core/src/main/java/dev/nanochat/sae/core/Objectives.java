package dev.nanochat.sae.core;

import java.util.Map;
import java.util.function.Function;

/** Registry of training architectures keyed by {@link SaeConfig#architecture()}. */
final class Objectives {
    private static final Map<String, Function<SaeConfig, Objective>> FACTORIES = Map.of(
            "topk", TopKObjective::new,
            "batchtopk", BatchTopKObjective::new,
            "relu", ReluObjective::new,
            "gated", GatedObjective::new,
            "jumprelu", JumpReluObjective::new);

    private Objectives() {}

    static Objective create(SaeConfig cfg, TrainingOptions opts) {
        if (SaeConfig.usesK(cfg.architecture()) && opts.kernelPath() == TrainingOptions.KernelPath.DENSE)
            return new DenseTopKObjective(cfg);
        var f = FACTORIES.get(cfg.architecture());
        if (f == null) throw new IllegalArgumentException("no training objective for architecture '" + cfg.architecture() + "'");
        return f.apply(cfg);
    }
}
