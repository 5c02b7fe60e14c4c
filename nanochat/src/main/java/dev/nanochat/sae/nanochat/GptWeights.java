package dev.nanochat.sae.nanochat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * All weights of a nanochat GPT as fp32 NDArrays in state-dict layout, owned by one manager.
 * Design choices:
 * - These arrays are the model's leaf parameters: the forward in {@link Gpt} only reads them with
 *   out-of-place ops, so a trainer may call {@code setRequiresGradient(true)} on {@link #parameters()}
 *   and differentiate through the forward under a GradientCollector.
 * - bf16 checkpoint values are upcast in Java before any NDArray exists (bf16 NDArrays crash DJL).
 * - {@link #randomInit} follows nanochat's init_weights: embedding N(0,1); Linear N(0, σ) with
 *   σ = 1/√fan_in · min(1, √(fan_out/fan_in)); lm_head and both c_proj zeroed.
 */
public final class GptWeights implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> named;
    private final List<BlockWeights> blocks = new ArrayList<>();

    private GptWeights(ModelConfig config, NDManager manager, Map<String, NDArray> named, boolean fuseQkv) {
        this.config = config;
        this.manager = manager;
        this.named = named;
        for (int i = 0; i < config.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            NDArray qkv = null;
            if (fuseQkv) {
                // One [q+2kv, C] array; c_q/c_k/c_v become row-block views of it (contiguous, no copy
                // kept), so the forward runs one Linear instead of three and memory does not grow.
                NDArray q = named.get(p + "attn.c_q.weight"), k = named.get(p + "attn.c_k.weight");
                NDArray v = named.get(p + "attn.c_v.weight");
                long nq = q.getShape().get(0), nk = k.getShape().get(0);
                qkv = NDArrays.concat(new NDList(q, k, v), 0);
                q.close();
                k.close();
                v.close();
                named.put(p + "attn.c_q.weight", view(qkv, 0, nq, p + "attn.c_q.weight"));
                named.put(p + "attn.c_k.weight", view(qkv, nq, nq + nk, p + "attn.c_k.weight"));
                named.put(
                        p + "attn.c_v.weight", view(qkv, nq + nk, qkv.getShape().get(0), p + "attn.c_v.weight"));
            }
            blocks.add(new BlockWeights(
                    named.get(p + "attn.c_q.weight"),
                    named.get(p + "attn.c_k.weight"),
                    named.get(p + "attn.c_v.weight"),
                    named.get(p + "attn.c_proj.weight"),
                    named.get(p + "mlp.c_fc.weight"),
                    named.get(p + "mlp.c_proj.weight"),
                    qkv));
        }
    }

    private static NDArray view(NDArray a, long from, long to, String name) {
        NDArray v = a.get(new NDIndex("{}:{}", from, to));
        v.setName(name);
        return v;
    }

    /** Builds NDArrays from host fp32 values keyed by state-dict name (shapes from the config). */
    public static GptWeights fromHost(ModelConfig config, Map<String, float[]> weights, Device device) {
        return fromHost(config, weights, device, false);
    }

    /**
     * As {@link #fromHost(ModelConfig, Map, Device)}; {@code inference} stores each block's q, k and v
     * projections as one fused array (see {@link BlockWeights#qkv()}), so its c_q/c_k/c_v are views
     * and must not be made trainable leaves.
     */
    public static GptWeights fromHost(
            ModelConfig config, Map<String, float[]> weights, Device device, boolean inference) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> named = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : StateDictLayout.shapes(config).entrySet()) {
                float[] data = weights.get(e.getKey());
                if (data == null)
                    throw new IllegalArgumentException("missing weight '" + e.getKey() + "' for config " + config);
                Shape shape = new Shape(e.getValue());
                if (data.length != shape.size()) {
                    throw new IllegalArgumentException("weight '" + e.getKey() + "' has " + data.length
                            + " values, shape " + shape + " needs " + shape.size());
                }
                NDArray a = manager.create(data, shape);
                a.setName(e.getKey());
                named.put(e.getKey(), a);
            }
            return new GptWeights(config, manager, named, inference);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public static GptWeights load(ModelCheckpoint ref, Device device) {
        return fromHost(ref.config(), ModelCheckpointReader.read(ref.modelFile(), ref.config()), device);
    }

    /** Loads in the inference layout (fused q/k/v projections; see {@link BlockWeights#qkv()}). */
    public static GptWeights loadForInference(ModelCheckpoint ref, Device device) {
        return fromHost(ref.config(), ModelCheckpointReader.read(ref.modelFile(), ref.config()), device, true);
    }

    /** nanochat's init_weights, drawn from a seeded java.util.Random (reproducible, not torch's stream). */
    public static GptWeights randomInit(ModelConfig config, long seed, Device device) {
        Random rng = new Random(seed);
        Map<String, float[]> host = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : StateDictLayout.shapes(config).entrySet()) {
            String k = e.getKey();
            long out = e.getValue()[0], in = e.getValue()[1];
            float[] w = new float[Math.toIntExact(out * in)];
            boolean zero = k.equals("lm_head.weight") || k.endsWith("c_proj.weight");
            double std = k.equals("transformer.wte.weight")
                    ? 1.0
                    : Math.min(1.0, Math.sqrt((double) out / in)) / Math.sqrt(in);
            if (!zero) {
                for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * std);
            }
            host.put(k, w);
        }
        return fromHost(config, host, device);
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray wte() {
        return named.get("transformer.wte.weight");
    }

    public NDArray lmHead() {
        return named.get("lm_head.weight");
    }

    public BlockWeights block(int i) {
        return blocks.get(i);
    }

    /** Weights by state-dict name, in nanochat's order. */
    public Map<String, NDArray> named() {
        return java.util.Collections.unmodifiableMap(named);
    }

    /** The trainable leaves, in state-dict order. */
    public List<NDArray> parameters() {
        return List.copyOf(named.values());
    }

    /** Host copies keyed by state-dict name. */
    public Map<String, float[]> toHost() {
        Map<String, float[]> out = new LinkedHashMap<>();
        named.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Saves as a nanochat checkpoint (wte stored as {@code embedding}: FLOAT, or BFLOAT16 as on GPU). */
    public ModelCheckpoint save(
            Path baseDir, String source, String tag, int step, StorageType embedding, ObjectNode meta) {
        return ModelCheckpointWriter.write(baseDir, source, tag, step, config, toHost(), embedding, meta);
    }

    @Override
    public void close() {
        manager.close();
    }
}
