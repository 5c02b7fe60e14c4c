package dev.nanochat.sae.nanochat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * nanochat's GPT forward in DJL, fp32, with hook points. Design choices:
 * - Pure out-of-place NDArray ops over {@link GptWeights}, so the same forward serves inference
 *   and training (gradients flow to the weights under a GradientCollector).
 * - Grouped-query attention without copying kv heads: q is viewed as [B, Hkv, G, T, D] and k/v as
 *   [B, Hkv, 1, Tk, D]; matmul broadcasts over the group axis (query head h = kv·G + g).
 * - Hooks: per block resid_pre → attn_out → mlp_out → resid_post; an intervention's result replaces
 *   the activation before capture and before it flows on. Without logits the pass stops after the
 *   last captured layer.
 * - Host-level {@link #forward(int[][], ForwardOptions)} runs inside an NDScope so every temporary
 *   is freed; the NDArray-level {@link #run} leaves memory scoping to its caller (a trainer).
 */
public final class Gpt implements AutoCloseable {
    static final float SOFTCAP = 15f;
    private static final float EPS = Math.ulp(1.0f);

    private final GptWeights weights;
    private final boolean ownsWeights;

    public Gpt(GptWeights weights) {
        this(weights, false);
    }

    private Gpt(GptWeights weights, boolean ownsWeights) {
        this.weights = weights;
        this.ownsWeights = ownsWeights;
    }

    public static Gpt load(ModelCheckpoint ref, Device device) {
        return new Gpt(GptWeights.load(ref, device), true);
    }

    public ModelConfig config() {
        return weights.config();
    }

    public GptWeights weights() {
        return weights;
    }

    public NDManager manager() {
        return weights.manager();
    }

    /** Runs ids [B][T] (equal lengths) and returns host copies of captures and logits. */
    public ForwardResult forward(int[][] ids, ForwardOptions opts) {
        return forward(ids, opts, null);
    }

    /** As {@link #forward(int[][], ForwardOptions)}, continuing from (and extending) {@code cache}. */
    public ForwardResult forward(int[][] ids, ForwardOptions opts, KvCache cache) {
        int b = ids.length, t = b == 0 ? 0 : ids[0].length;
        int[] flat = validateIds(ids, t);
        opts.capture().forEach(h -> h.validate(config()));
        opts.interventions().keySet().forEach(h -> h.validate(config()));
        try (NDScope scope = new NDScope(); NDManager m = manager().newSubManager()) {
            NDArray idx = m.create(flat, new Shape(b, t));
            Map<HookPoint, NDArray> captured = new HashMap<>();
            NDArray logits = run(idx, opts, cache, captured);
            Map<HookPoint, float[]> host = new TreeMap<>();
            captured.forEach((h, a) -> host.put(h, a.toFloatArray()));
            return new ForwardResult(b, t, config(), host, logits == null ? null : logits.toFloatArray());
        }
    }

    /** Logits [B,T,V] for ids [B,T] (int32/int64): the differentiable training entry point. */
    public NDArray logits(NDArray ids) {
        return run(ids, ForwardOptions.logitsOnly(), null, new HashMap<>());
    }

    /** Mean next-token cross-entropy over all B·T positions (natural log), differentiable. */
    public NDArray loss(NDArray ids, NDArray targets) {
        NDArray logp = logits(ids).logSoftmax(-1);
        NDArray picked = logp.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1);
        return picked.mean().neg();
    }

    /**
     * The forward on NDArrays. {@code captured} receives the requested hook activations [B,T,C].
     * Returns logits [B,T,V] (fp32, softcapped), or null when {@code opts.logits()} is false.
     */
    public NDArray run(NDArray ids, ForwardOptions opts, KvCache cache, Map<HookPoint, NDArray> captured) {
        ModelConfig c = config();
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int offset = cache == null ? 0 : cache.length();
        int lastLayer = opts.logits() ? c.nLayer() - 1 : Math.min(c.nLayer() - 1, opts.lastCapturedLayer());
        NDManager m = ids.getManager();
        float[][] rope = Rotary.tables(c.headDim(), offset, (int) t);
        NDArray cos = m.create(rope[0], new Shape(1, t, 1, c.headDim() / 2));
        NDArray sin = m.create(rope[1], new Shape(1, t, 1, c.headDim() / 2));
        NDArray mask = m.create(causalMask((int) t, offset), new Shape(t, offset + t));

        NDArray x = rmsNorm(Embedding.embedding(ids, weights.wte(), SparseFormat.DENSE).singletonOrThrow());
        for (int layer = 0; layer <= lastLayer; layer++) {
            BlockWeights w = weights.block(layer);
            x = hook(new HookPoint(layer, HookPoint.Kind.RESID_PRE), x, opts, captured);
            NDArray attn = attention(layer, w, rmsNorm(x), cos, sin, mask, cache, b, t);
            attn = hook(new HookPoint(layer, HookPoint.Kind.ATTN_OUT), attn, opts, captured);
            x = x.add(attn);
            NDArray mlp = mlp(w, rmsNorm(x));
            mlp = hook(new HookPoint(layer, HookPoint.Kind.MLP_OUT), mlp, opts, captured);
            x = x.add(mlp);
            x = hook(new HookPoint(layer, HookPoint.Kind.RESID_POST), x, opts, captured);
        }
        if (cache != null) cache.advance((int) t);
        if (!opts.logits()) return null;
        NDArray logits = Linear.linear(rmsNorm(x), weights.lmHead()).singletonOrThrow();
        return logits.div(SOFTCAP).tanh().mul(SOFTCAP);
    }

    private NDArray attention(int layer, BlockWeights w, NDArray x, NDArray cos, NDArray sin, NDArray mask,
                              KvCache cache, long b, long t) {
        ModelConfig c = config();
        int h = c.nHead(), hkv = c.nKvHead(), d = c.headDim(), g = h / hkv;
        // [B,T,H,D] → rotary → per-head rmsnorm → [B,H,T,D]
        NDArray q = rmsNorm(rotary(Linear.linear(x, w.cQ()).singletonOrThrow().reshape(b, t, h, d), cos, sin)).transpose(0, 2, 1, 3);
        NDArray k = rmsNorm(rotary(Linear.linear(x, w.cK()).singletonOrThrow().reshape(b, t, hkv, d), cos, sin)).transpose(0, 2, 1, 3);
        NDArray v = Linear.linear(x, w.cV()).singletonOrThrow().reshape(b, t, hkv, d).transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            NDScope.unregister(kv);
            k = kv[0];
            v = kv[1];
        }
        long tk = k.getShape().get(2);
        NDArray q5 = q.mul(1.0 / Math.sqrt(d)).reshape(b, hkv, g, t, d);
        NDArray scores = q5.matMul(k.reshape(b, hkv, 1, tk, d).transpose(0, 1, 2, 4, 3)); // [B,Hkv,G,T,Tk]
        NDArray probs = scores.add(mask).softmax(-1);
        NDArray y = probs.matMul(v.reshape(b, hkv, 1, tk, d)) // [B,Hkv,G,T,D]
                .reshape(b, h, t, d).transpose(0, 2, 1, 3).reshape(b, t, (long) h * d);
        return Linear.linear(y, w.attnProj()).singletonOrThrow();
    }

    private static NDArray mlp(BlockWeights w, NDArray x) {
        NDArray hidden = Linear.linear(x, w.mlpFc()).singletonOrThrow().getNDArrayInternal().relu();
        return Linear.linear(hidden.square(), w.mlpProj()).singletonOrThrow();
    }

    /** x: [B,T,H,D]; cos/sin: [1,T,1,D/2]. */
    private static NDArray rotary(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(new NDIndex("..., :" + half));
        NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
        NDArray y1 = x1.mul(cos).add(x2.mul(sin));
        NDArray y2 = x2.mul(cos).sub(x1.mul(sin));
        return NDArrays.concat(new NDList(y1, y2), 3);
    }

    /** rmsnorm over the last axis without weight, eps = fp32 machine epsilon (F.rms_norm's default). */
    static NDArray rmsNorm(NDArray x) {
        return x.mul(x.square().mean(new int[] {-1}, true).add(EPS).pow(-0.5));
    }

    private static NDArray hook(HookPoint hook, NDArray x, ForwardOptions opts, Map<HookPoint, NDArray> captured) {
        Intervention iv = opts.interventions().get(hook);
        NDArray out = iv == null ? x : iv.apply(hook, x);
        if (iv != null && !out.getShape().equals(x.getShape())) {
            throw new IllegalStateException("intervention at " + hook + " returned shape " + out.getShape() + ", expected " + x.getShape());
        }
        if (opts.capture().contains(hook)) captured.put(hook, out);
        return out;
    }

    /** [T, offset+T]: query i (absolute position offset+i) sees keys 0..offset+i. */
    private static float[] causalMask(int t, int offset) {
        int tk = offset + t;
        float[] mask = new float[t * tk];
        for (int i = 0; i < t; i++) {
            for (int j = offset + i + 1; j < tk; j++) mask[i * tk + j] = Float.NEGATIVE_INFINITY;
        }
        return mask;
    }

    private int[] validateIds(int[][] ids, int t) {
        if (ids.length == 0 || t == 0) throw new IllegalArgumentException("input ids must be a non-empty [B][T] array");
        int v = config().vocabSize();
        int[] flat = new int[ids.length * t];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != t) throw new IllegalArgumentException("input row " + i + " has length " + ids[i].length + ", expected " + t);
            for (int j = 0; j < t; j++) {
                int id = ids[i][j];
                if (id < 0 || id >= v) throw new IllegalArgumentException("token id " + id + " at [" + i + "," + j + "] is outside the vocabulary of " + v);
                flat[i * t + j] = id;
            }
        }
        return flat;
    }

    @Override public void close() {
        if (ownsWeights) weights.close();
    }
}
