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
import ai.djl.pytorch.jni.JniUtils;
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
 * - Host-level {@link #forward(int[][], ForwardOptions)} runs inside an NDScope with grad mode off;
 *   the NDArray-level {@link #run} frees each layer's temporaries when the layer ends (survivors:
 *   the residual stream and captures) and leaves the rest to its caller's scope (a trainer).
 * - Without grad mode (inference) temporaries are updated in place (scale, mask, relu², softcap,
 *   residual adds on arrays no hook exposed) and freed early: what remains is the model's
 *   arithmetic plus one pass per elementwise op. With grad mode every op is out of place.
 */
public final class Gpt implements AutoCloseable {
    static final float SOFTCAP = 15f;
    /** Query rows per attention block (causal chunking below); 128 keeps blocks GEMM-sized. */
    static final int ATTENTION_CHUNK = 128;

    private static final float EPS = Math.ulp(1.0f);

    private final GptWeights weights;
    private final boolean ownsWeights;
    /**
     * The in-place path's scalar operands as 0-dim arrays on the model's device, made once: DJL turns
     * every {@code op(Number)} into a fresh host buffer and upload (5–15 µs; ~40 per decode step).
     */
    private final NDArray softcap, queryScale, rootEmbd, rootHead, rootEmbdOverSoftcap;

    public Gpt(GptWeights weights) {
        this(weights, false);
    }

    private Gpt(GptWeights weights, boolean ownsWeights) {
        this.weights = weights;
        this.ownsWeights = ownsWeights;
        ModelConfig c = weights.config();
        this.softcap = constant(SOFTCAP);
        this.queryScale = constant((float) (1.0 / Math.sqrt(c.headDim())));
        this.rootEmbd = constant((float) Math.sqrt(c.nEmbd()));
        this.rootHead = constant((float) Math.sqrt(c.headDim()));
        this.rootEmbdOverSoftcap = constant((float) (Math.sqrt(c.nEmbd()) / SOFTCAP));
    }

    private NDArray constant(float v) {
        NDArray a = weights.manager().create(v);
        NDScope.unregister(a); // lives with the weights, not with a caller's scope
        return a;
    }

    /** Loads for inference (the fused q/k/v layout: {@link GptWeights#loadForInference}). */
    public static Gpt load(ModelCheckpoint ref, Device device) {
        return new Gpt(GptWeights.loadForInference(ref, device), true);
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
        return forward(flat, b, t, opts, cache, false);
    }

    /**
     * Host-level pass: nobody can differentiate through host copies, so autograd recording is off
     * for its duration (torch.no_grad; grad mode is per thread and on by default in new threads),
     * which also lets {@link #run} update its temporaries in place.
     */
    ForwardResult forward(int[] flat, int b, int t, ForwardOptions opts, KvCache cache, boolean lastLogits) {
        boolean grad = JniUtils.isGradMode();
        if (grad) JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope();
                NDManager m = manager().newSubManager()) {
            NDArray idx = m.create(flat, new Shape(b, t));
            Map<HookPoint, NDArray> captured = new HashMap<>();
            NDArray logits = run(idx, opts, cache, captured, lastLogits, Laps.NONE);
            Map<HookPoint, float[]> host = new TreeMap<>();
            captured.forEach((h, a) -> host.put(h, a.toFloatArray()));
            return new ForwardResult(b, t, config(), host, logits == null ? null : logits.toFloatArray());
        } finally {
            if (grad) JniUtils.setGradMode(true);
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
        return run(ids, opts, cache, captured, false, Laps.NONE);
    }

    /**
     * @param lastLogits logits of the last position only ([B,1,V]; generation needs no others)
     * @param laps       stage timer ({@link ForwardProfile}); {@link Laps#NONE} in normal runs
     */
    NDArray run(
            NDArray ids,
            ForwardOptions opts,
            KvCache cache,
            Map<HookPoint, NDArray> captured,
            boolean lastLogits,
            Laps laps) {
        ModelConfig c = config();
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        // Without autograd recording nothing needs the pre-op values: update temporaries in place.
        boolean inplace = !JniUtils.isGradMode();
        int offset = cache == null ? 0 : cache.length();
        int lastLayer = opts.logits() ? c.nLayer() - 1 : Math.min(c.nLayer() - 1, opts.lastCapturedLayer());
        // the deepest captured hook of a capture-only pass (a cache needs every layer's k/v, so not then)
        HookPoint stopAt = opts.logits() || cache != null
                ? null
                : opts.capture().stream().max(HookPoint::compareTo).orElse(null);
        NDManager m = ids.getManager();
        NDArray[] rope = rotaryTables(m, c.headDim(), offset, (int) t);
        NDArray mask = t == 1
                ? null
                : m.create(causalMask((int) t, offset), new Shape(t, offset + t)); // one query sees every key
        laps.lap("setup");

        NDArray x = rmsNorm(
                Embedding.embedding(ids, weights.wte(), SparseFormat.DENSE).singletonOrThrow(), inplace);
        boolean owned = true; // x is ours alone (not captured, not handed to an intervention): may update in place
        laps.lap("embed+norm");
        for (int layer = 0; layer <= lastLayer; layer++) {
            BlockWeights w = weights.block(layer);
            // Every temporary of the layer is freed when it ends, so the allocator reuses the same
            // blocks layer after layer (one scope over the pass would hold all layers' temporaries).
            try (NDScope scope = new NDScope()) {
                HookPoint pre = new HookPoint(layer, HookPoint.Kind.RESID_PRE);
                HookPoint attnOut = new HookPoint(layer, HookPoint.Kind.ATTN_OUT);
                HookPoint mlpOut = new HookPoint(layer, HookPoint.Kind.MLP_OUT);
                HookPoint post = new HookPoint(layer, HookPoint.Kind.RESID_POST);
                x = hook(pre, x, opts, captured);
                owned &= !exposed(pre, opts);
                // a capture-only pass ends at its deepest hook, even mid-block
                if (!pre.equals(stopAt)) {
                    NDArray attn = attention(layer, w, rmsNorm(x, inplace), rope, mask, cache, b, t, inplace, laps);
                    attn = hook(attnOut, attn, opts, captured);
                    if (!attnOut.equals(stopAt)) {
                        x = residual(x, attn, inplace && owned);
                        owned = true;
                        laps.lap("residual");
                        NDArray mlp = mlp(w, rmsNorm(x, inplace), inplace, laps);
                        mlp = hook(mlpOut, mlp, opts, captured);
                        if (!mlpOut.equals(stopAt)) {
                            x = residual(x, mlp, inplace);
                            x = hook(post, x, opts, captured);
                            owned = !exposed(post, opts);
                            laps.lap("residual");
                        }
                    }
                }
                NDScope.unregister(x);
                captured.values().forEach(NDScope::unregister);
            }
            NDScope.register(x);
            captured.values().forEach(NDScope::register);
        }
        if (cache != null) cache.advance((int) t);
        if (!opts.logits()) return null;
        if (lastLogits && t > 1) x = x.get(new NDIndex(":, -1:, :"));
        // softcap·tanh(logits / softcap): in place, the 1/softcap rides on the norm's per-row factor
        // ([B,T,1]) instead of a pass over [B,T,V] (a reassociation: differences at float rounding)
        NDArray normed = inplace ? rmsNorm(x, rootEmbdOverSoftcap) : rmsNorm(x);
        laps.lap("final norm");
        NDArray logits = Linear.linear(normed, weights.lmHead()).singletonOrThrow();
        laps.lap("lm_head");
        NDArray capped;
        if (inplace) {
            capped = logits.tanh();
            logits.close();
            capped.muli(softcap);
        } else {
            capped = logits.div(SOFTCAP).tanh().mul(SOFTCAP);
        }
        laps.lap("softcap");
        return capped;
    }

    private static NDArray residual(NDArray x, NDArray delta, boolean inplace) {
        return inplace ? x.addi(delta) : x.add(delta);
    }

    /** The array at this hook leaves our hands (captured, or given to an intervention that may keep it). */
    private static boolean exposed(HookPoint hook, ForwardOptions opts) {
        Intervention iv = opts.interventions().get(hook);
        return opts.capture().contains(hook) || (iv != null && iv.retainsActivation());
    }

    private NDArray attention(
            int layer,
            BlockWeights w,
            NDArray x,
            NDArray[] rope,
            NDArray mask,
            KvCache cache,
            long b,
            long t,
            boolean inplace,
            Laps laps) {
        ModelConfig c = config();
        int h = c.nHead(), hkv = c.nKvHead(), d = c.headDim(), g = h / hkv;
        laps.lap("norm");
        NDArray q, k, v;
        boolean prescaled = false; // q already carries 1/√d
        if (inplace && w.qkv() != null) {
            // Fused: one Linear to [B,T,H+2Hkv,D]; rotary and the per-head rmsnorm run once over the
            // q and k heads together (both act per head on D alone), then q, k, v are views.
            NDArray qkv = Linear.linear(x, w.qkv()).singletonOrThrow().reshape(b, t, h + 2L * hkv, d);
            laps.lap("q,k,v");
            // (split: one call for all views; an NDIndex get costs several JNI calls per view)
            NDList qkAndV = qkv.split(new long[] {h + hkv}, 2);
            // unit rows are rmsnorm/√d: for q that is attention's 1/√d scale already; k gets √d back
            NDList qAndK = unitRows(rotary(qkAndV.get(0), rope, true)).split(new long[] {h}, 2);
            q = qAndK.get(0).transpose(0, 2, 1, 3);
            k = qAndK.get(1).muli(rootHead).transpose(0, 2, 1, 3);
            prescaled = true;
            v = qkAndV.get(1).transpose(0, 2, 1, 3);
        } else {
            NDArray qLin = Linear.linear(x, w.cQ()).singletonOrThrow();
            NDArray kLin = Linear.linear(x, w.cK()).singletonOrThrow();
            NDArray vLin = Linear.linear(x, w.cV()).singletonOrThrow();
            laps.lap("q,k,v");
            // [B,T,H,D] → rotary → per-head rmsnorm → [B,H,T,D]
            q = rmsNorm(rotary(qLin.reshape(b, t, h, d), rope, inplace), inplace)
                    .transpose(0, 2, 1, 3);
            k = rmsNorm(rotary(kLin.reshape(b, t, hkv, d), rope, inplace), inplace)
                    .transpose(0, 2, 1, 3);
            v = vLin.reshape(b, t, hkv, d).transpose(0, 2, 1, 3);
        }
        laps.lap("rotary+qk norm");
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
            laps.lap("kv cache");
        }
        NDArray qs = prescaled ? q : inplace ? q.muli(queryScale) : q.mul(1.0 / Math.sqrt(d));
        // Causal attention in query chunks: chunk [s, e) only meets keys [0, offset + e), so the
        // masked upper triangle is mostly never computed (5/8 of the full work at T = 4·CHUNK).
        long offset = k.getShape().get(2) - t;
        int chunks = t >= 2L * ATTENTION_CHUNK ? (int) ((t + ATTENTION_CHUNK - 1) / ATTENTION_CHUNK) : 1;
        NDList parts = new NDList(chunks);
        for (int i = 0; i < chunks; i++) {
            long s = (long) i * ATTENTION_CHUNK, e = chunks == 1 ? t : Math.min(t, s + ATTENTION_CHUNK);
            long tk = offset + e;
            NDArray qc = chunks == 1 ? qs : qs.get(new NDIndex(":, :, {}:{}", s, e));
            NDArray kc = tk == k.getShape().get(2) ? k : k.get(new NDIndex(":, :, :{}", tk));
            NDArray vc = tk == v.getShape().get(2) ? v : v.get(new NDIndex(":, :, :{}", tk));
            NDArray mc = mask == null ? null : chunks == 1 ? mask : mask.get(new NDIndex("{}:{}, :{}", s, e, tk));
            parts.add(attend(qc, kc, vc, mc, b, h, hkv, g, d, inplace, laps).transpose(0, 2, 1, 3)); // [B,Tc,H,D]
        }
        // concat along T writes [B,T,H,D] contiguously: merging heads is then a view
        NDArray y = (chunks == 1 ? parts.get(0) : NDArrays.concat(parts, 1)).reshape(b, t, (long) h * d);
        laps.lap("merge heads");
        NDArray out = Linear.linear(y, w.attnProj()).singletonOrThrow();
        laps.lap("attn proj");
        return out;
    }

    /** softmax(q·kᵀ + mask)·v for q [B,H,Tq,D] (scaled), k/v [B,Hkv,Tk,D] → [B,H,Tq,D]. */
    private static NDArray attend(
            NDArray q,
            NDArray k,
            NDArray v,
            NDArray mask,
            long b,
            int h,
            int hkv,
            int g,
            int d,
            boolean inplace,
            Laps laps) {
        long tq = q.getShape().get(2), tk = k.getShape().get(2);
        NDArray scores;
        if (g == 1) {
            scores = q.matMul(k.transpose(0, 1, 3, 2)); // [B,H,Tq,Tk]
        } else { // grouped-query: q as [B,Hkv,G,Tq,D] against k broadcast over the group axis
            scores = q.reshape(b, hkv, g, tq, d)
                    .matMul(k.reshape(b, hkv, 1, tk, d).transpose(0, 1, 2, 4, 3))
                    .reshape(b, h, tq, tk);
        }
        laps.lap("scores q·k");
        if (mask != null) scores = inplace ? scores.addi(mask) : scores.add(mask);
        NDArray probs = scores.softmax(-1);
        if (inplace) scores.close();
        laps.lap("mask+softmax");
        NDArray y = g == 1
                ? probs.matMul(v)
                : probs.reshape(b, hkv, g, tq, tk)
                        .matMul(v.reshape(b, hkv, 1, tk, d))
                        .reshape(b, h, tq, d);
        if (inplace) probs.close();
        laps.lap("probs·v");
        return y;
    }

    private static NDArray mlp(BlockWeights w, NDArray x, boolean inplace, Laps laps) {
        laps.lap("norm");
        NDArray fc = Linear.linear(x, w.mlpFc()).singletonOrThrow();
        laps.lap("mlp fc");
        NDArray hidden = fc.getNDArrayInternal().relu();
        NDArray squared;
        if (inplace) {
            fc.close();
            squared = hidden.muli(hidden);
        } else {
            squared = hidden.square();
        }
        laps.lap("relu²");
        NDArray out = Linear.linear(squared, w.mlpProj()).singletonOrThrow();
        laps.lap("mlp proj");
        return out;
    }

    /**
     * x: [B,T,H,D]; rope: {[cos|cos], [sin|−sin]} as [1,T,1,D]. y = x·[cos|cos] + [x2|x1]·[sin|−sin]
     * gives y1 = x1·cos + x2·sin and y2 = x2·cos − x1·sin with the same roundings as the half-split form.
     */
    private static NDArray rotary(NDArray x, NDArray[] rope, boolean inplace) {
        NDList halves = x.split(2, 3);
        NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), 3);
        if (!inplace) return x.mul(rope[0]).add(swapped.mul(rope[1]));
        NDArray y = x.mul(rope[0]);
        return y.addi(swapped.muli(rope[1]));
    }

    /** {[cos|cos], [sin|−sin]} for positions [offset, offset+t) as [1,t,1,D]. */
    private static NDArray[] rotaryTables(NDManager m, int headDim, int offset, int t) {
        float[][] half = Rotary.tables(headDim, offset, t);
        int hd = headDim / 2;
        float[] cos = new float[t * headDim], sin = new float[t * headDim];
        for (int p = 0; p < t; p++) {
            for (int j = 0; j < hd; j++) {
                float cv = half[0][p * hd + j], sv = half[1][p * hd + j];
                cos[p * headDim + j] = cv;
                cos[p * headDim + hd + j] = cv;
                sin[p * headDim + j] = sv;
                sin[p * headDim + hd + j] = -sv;
            }
        }
        Shape shape = new Shape(1, t, 1, headDim);
        return new NDArray[] {m.create(cos, shape), m.create(sin, shape)};
    }

    /** rmsnorm over the last axis without weight, eps = fp32 machine epsilon (F.rms_norm's default). */
    static NDArray rmsNorm(NDArray x) {
        return x.mul(x.square().mean(new int[] {-1}, true).add(EPS).pow(-0.5));
    }

    private NDArray rmsNorm(NDArray x, boolean inplace) {
        return inplace ? rmsNorm(x, root(x.getShape().tail())) : rmsNorm(x);
    }

    /**
     * The in-place path's rmsnorm in two ops instead of five: F.normalize (x / max(‖x‖, ε')) times √D·s
     * ({@code scaledRoot}: a 0-dim array). x·√D / ‖x‖ is x / √(mean x²); ε' = √(D·eps) puts rms_norm's
     * eps where it matters at all (‖x‖² ≈ D·eps), elsewhere the two differ at float rounding.
     */
    private static NDArray rmsNorm(NDArray x, NDArray scaledRoot) {
        return unitRows(x).muli(scaledRoot);
    }

    /** x / ‖x‖ over the last axis (= rmsnorm(x) / √D), with the ε' of {@link #rmsNorm(NDArray, NDArray)}. */
    private static NDArray unitRows(NDArray x) {
        return x.normalize(2, -1, Math.sqrt(x.getShape().tail() * (double) EPS));
    }

    /** √width as a 0-dim array, for the widths the model norms over (residual, head). */
    private NDArray root(long width) {
        if (width == config().nEmbd()) return rootEmbd;
        if (width == config().headDim()) return rootHead;
        throw new IllegalArgumentException("no rmsnorm over width " + width);
    }

    private static NDArray hook(HookPoint hook, NDArray x, ForwardOptions opts, Map<HookPoint, NDArray> captured) {
        Intervention iv = opts.interventions().get(hook);
        NDArray out = iv == null ? x : iv.apply(hook, x);
        if (iv != null && !out.getShape().equals(x.getShape())) {
            throw new IllegalStateException(
                    "intervention at " + hook + " returned shape " + out.getShape() + ", expected " + x.getShape());
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
            if (ids[i].length != t)
                throw new IllegalArgumentException(
                        "input row " + i + " has length " + ids[i].length + ", expected " + t);
            for (int j = 0; j < t; j++) {
                int id = ids[i][j];
                if (id < 0 || id >= v)
                    throw new IllegalArgumentException(
                            "token id " + id + " at [" + i + "," + j + "] is outside the vocabulary of " + v);
                flat[i * t + j] = id;
            }
        }
        return flat;
    }

    @Override
    public void close() {
        if (ownsWeights) weights.close();
    }
}
