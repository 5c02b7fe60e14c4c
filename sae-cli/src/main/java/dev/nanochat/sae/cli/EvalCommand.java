package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.ActivationTensor;
import dev.nanochat.sae.core.EvalMetrics;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeMetrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluate an SAE folder on activations; with --json exactly one JSON object on stdout. */
@Command(name = "eval", description = "Evaluate an SAE folder on activations")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--sae", required = true, description = "SAELens folder") Path saeDir;
    @Option(names = "--activations", required = true, description = "safetensors file with [N, d] or [B, T, d]") Path activations;
    @Option(names = "--tensor", required = true) String tensor;
    @Option(names = "--json", description = "print one JSON object") boolean json;

    @Override public Integer call() throws Exception {
        try (Sae sae = Sae.load(saeDir)) {
            ActivationTensor acts = ActivationTensor.read(activations, tensor, sae.config().dIn());
            EvalMetrics m = SaeMetrics.evaluate(sae, acts.data(), acts.rows());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sae", saeDir.toString());
            out.put("architecture", sae.saeLensArchitecture());
            out.put("d_in", sae.config().dIn());
            out.put("d_sae", sae.config().dSae());
            out.putAll(m.toMap());
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                out.forEach((k, v) -> System.out.println(k + ": " + v));
            }
        }
        return 0;
    }
}
