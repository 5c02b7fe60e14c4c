package dev.nanochat.sae.core;

import java.util.Map;
import java.util.function.Function;

/**
 * Registry of training architectures keyed by {@link SaeConfig#architecture()}. TopK/BatchTopK take the
 * sparse Java kernels or the dense DJL path per {@link TrainingOptions#effectiveKernelPath()}; the other
 * architectures are dense (DJL autograd) on every device.
 */
final class Objectives {
    private static final Map<String, Function<SaeConfig, Objective>> FACTORIES = Map.of(
            "topk", TopKObjective::new,
            "batchtopk", BatchTopKObjective::new,
            "relu", ReluObjective::new,
            "gated", GatedObjective::new,
            "jumprelu", JumpReluObjective::new);

    private Objectives() {}

    static Objective create(SaeConfig cfg, TrainingOptions opts) {
        if (SaeConfig.usesK(cfg.architecture()) && opts.effectiveKernelPath() == TrainingOptions.KernelPath.DENSE)
            return cfg.architecture().equals("batchtopk") ? new DenseBatchTopKObjective(cfg) : new DenseTopKObjective(cfg);
        var f = FACTORIES.get(cfg.architecture());
        if (f == null) throw new IllegalArgumentException("no training objective for architecture '" + cfg.architecture() + "'");
        return f.apply(cfg);
    }
}
