package dev.nanochat.sae.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shape and value rules of an SAELens folder, shared by writing and reading.
 *
 * <p>Design: d_in and d_sae come from cfg.json and every known tensor name has a fixed shape in
 * terms of them (W_enc [d_in, d_sae], W_dec [d_sae, d_in], per-latent vectors [d_sae], b_dec
 * [d_in]); each architecture has a required set; values must be finite (a NaN weight would poison
 * every downstream metric silently). Log10 densities may be −Inf (a dead latent) but not NaN.
 */
final class SaeLensShapes {
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "standard", List.of("W_enc", "b_enc", "W_dec", "b_dec"),
            "topk", List.of("W_enc", "b_enc", "W_dec", "b_dec"),
            "jumprelu", List.of("W_enc", "b_enc", "W_dec", "b_dec", "threshold"),
            "gated", List.of("W_enc", "b_gate", "r_mag", "b_mag", "W_dec", "b_dec"));
    private static final Set<String> PER_LATENT = Set.of("b_enc", "threshold", "b_gate", "r_mag", "b_mag");

    private SaeLensShapes() {}

    static void check(
            String where, ObjectNode cfg, Map<String, HostTensor> weights, float[] sparsity, boolean fromDisk) {
        if (cfg == null || weights == null) {
            throw new IllegalArgumentException(where + ": cfg and weights are required");
        }
        String cfgWhere = where + (fromDisk ? "/" + SaeLensFolder.CFG : " cfg");
        long dIn = positiveInt(cfgWhere, cfg, "d_in");
        long dSae = positiveInt(cfgWhere, cfg, "d_sae");
        String arch = cfg.path("architecture").asText("standard");
        String weightsWhere = where + (fromDisk ? "/" + SaeLensFolder.WEIGHTS : " weights");
        List<String> required = REQUIRED.get(arch);
        if (required != null) {
            for (String name : required) {
                if (!weights.containsKey(name)) {
                    throw new IllegalArgumentException(weightsWhere + ": architecture '" + arch + "' needs tensor '"
                            + name + "'; present: " + weights.keySet());
                }
            }
        } else if (!weights.containsKey("W_dec")) {
            throw new IllegalArgumentException(weightsWhere + ": no W_dec tensor; present: " + weights.keySet());
        }
        for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
            long[] expected = expectedShape(e.getKey(), dIn, dSae);
            HostTensor t = e.getValue();
            if (expected != null && !Arrays.equals(expected, t.shape())) {
                throw new IllegalArgumentException(
                        weightsWhere + ": tensor '" + e.getKey() + "' has shape " + t.shapeString() + ", expected "
                                + Arrays.toString(expected) + " for d_in=" + dIn + ", d_sae=" + dSae);
            }
            int bad = firstNonFinite(t.data());
            if (bad >= 0) {
                throw new IllegalArgumentException(weightsWhere + ": tensor '" + e.getKey() + "' " + t.shapeString()
                        + " has non-finite value " + t.data()[bad] + " at flat index " + bad);
            }
        }
        if (sparsity != null) {
            String sWhere = where + (fromDisk ? "/" + SaeLensFolder.SPARSITY : " sparsity");
            if (sparsity.length != dSae) {
                throw new IllegalArgumentException(
                        sWhere + ": has " + sparsity.length + " values, expected d_sae=" + dSae);
            }
            for (int i = 0; i < sparsity.length; i++) {
                if (Float.isNaN(sparsity[i]) || sparsity[i] > 0f) {
                    throw new IllegalArgumentException(sWhere + ": log10 density of latent " + i + " is " + sparsity[i]
                            + " (must be ≤ 0, −Inf allowed)");
                }
            }
        }
    }

    private static long[] expectedShape(String name, long dIn, long dSae) {
        if (name.equals("W_enc")) {
            return new long[] {dIn, dSae};
        }
        if (name.equals("W_dec")) {
            return new long[] {dSae, dIn};
        }
        if (name.equals("b_dec")) {
            return new long[] {dIn};
        }
        return PER_LATENT.contains(name) ? new long[] {dSae} : null;
    }

    private static long positiveInt(String where, ObjectNode cfg, String field) {
        JsonNode v = cfg.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() <= 0) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a positive integer, got " + v);
        }
        return v.intValue();
    }

    private static int firstNonFinite(float[] data) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }
}
