package dev.nanochat.sae.core.arch;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.batchtopk.BatchTopKObjective;
import dev.nanochat.sae.core.arch.batchtopk.DenseBatchTopKObjective;
import dev.nanochat.sae.core.arch.gated.GatedObjective;
import dev.nanochat.sae.core.arch.jumprelu.JumpReluObjective;
import dev.nanochat.sae.core.arch.relu.ReluObjective;
import dev.nanochat.sae.core.arch.topk.DenseTopKObjective;
import dev.nanochat.sae.core.arch.topk.TopKObjective;
import dev.nanochat.sae.core.train.TrainingOptions;
import java.util.Map;
import java.util.function.Function;

/**
 * Registry of training architectures keyed by {@link SaeConfig#architecture()}. TopK/BatchTopK take the
 * sparse Java kernels or the dense DJL path per {@link TrainingOptions#effectiveKernelPath()}; the other
 * architectures are dense (DJL autograd) on every device.
 */
public final class Objectives {
    private static final Map<String, Function<SaeConfig, Objective>> FACTORIES = Map.of(
            "topk", TopKObjective::new,
            "batchtopk", BatchTopKObjective::new,
            "relu", ReluObjective::new,
            "gated", GatedObjective::new,
            "jumprelu", JumpReluObjective::new);

    private Objectives() {}

    public static Objective create(SaeConfig cfg, TrainingOptions opts) {
        if (SaeConfig.usesK(cfg.architecture()) && opts.effectiveKernelPath() == TrainingOptions.KernelPath.DENSE)
            return cfg.architecture().equals("batchtopk")
                    ? new DenseBatchTopKObjective(cfg)
                    : new DenseTopKObjective(cfg);
        var f = FACTORIES.get(cfg.architecture());
        if (f == null)
            throw new IllegalArgumentException("no training objective for architecture '" + cfg.architecture() + "'");
        return f.apply(cfg);
    }
}
