package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a forward's time goes: the pass's wall time charged to its stages (summed over layers,
 * each stage's best over reps), next to the time the same stage's matmuls take alone at the same shapes (plain
 * GEMMs on random operands, weight stored [out, in] as the model's). A stage whose time is far above
 * its GEMM time spends it outside the model's arithmetic; stages without matmuls are pure overhead
 * (elementwise passes, copies).
 */
public final class ForwardProfile {
    /** One stage: seconds in the forward and seconds its matmuls alone take (0 when it has none). */
    public record Stage(String name, double seconds, double gemmSeconds, double flops) {}

    private ForwardProfile() {}

    /** Profiles {@code gpt.run} on ids [B,T] (logits included), inference mode. */
    public static Map<String, Stage> measure(Gpt gpt, NDArray ids, int reps) {
        Map<String, Double> best = new LinkedHashMap<>(); // per stage, min over reps (robust to a shared machine)
        for (int r = 0; r <= reps; r++) {
            Map<String, Double> laps = new LinkedHashMap<>();
            long[] last = {System.nanoTime()};
            Laps timer = stage -> {
                long now = System.nanoTime();
                laps.merge(stage, (now - last[0]) / 1e9, Double::sum);
                last[0] = now;
            };
            try (NDScope scope = new NDScope()) {
                gpt.run(ids, ForwardOptions.logitsOnly(), null, new HashMap<>(), false, timer);
            }
            if (r == 0) continue; // warm-up
            laps.forEach((k, v) -> best.merge(k, v, Math::min));
        }
        Map<String, double[]> gemm =
                gemms(gpt.config(), ids.getShape().get(0), ids.getShape().get(1), reps);
        Map<String, Stage> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> s : best.entrySet()) {
            double[] g = gemm.getOrDefault(s.getKey(), new double[2]);
            out.put(s.getKey(), new Stage(s.getKey(), s.getValue(), g[0], g[1]));
        }
        return out;
    }

    /**
     * Where a KV-cache decode step's time goes: {@code steps} one-token passes at batch {@code b} after
     * a 16-token prefill, each stage's time summed over layers and averaged over steps (seconds per
     * step). Decode steps are small: what this shows is per-op cost, not GEMM efficiency.
     */
    public static Map<String, Double> measureDecode(Gpt gpt, int b, int steps) {
        Map<String, Double> total = new LinkedHashMap<>();
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (KvCache cache = new KvCache(gpt.manager(), gpt.config().nLayer(), 16 + steps + 1)) {
            java.util.Random rng = new java.util.Random(3);
            int[] ids = new int[b * 16];
            for (int i = 0; i < ids.length; i++)
                ids[i] = rng.nextInt(gpt.config().vocabSize());
            ForwardOptions opts = new ForwardOptions(java.util.Set.of(), java.util.Map.of(), true);
            int t = 16;
            for (int step = -1; step < steps; step++) { // step -1: the prefill, not counted
                long[] last = {System.nanoTime()};
                Map<String, Double> laps = new LinkedHashMap<>();
                Laps timer = stage -> {
                    long now = System.nanoTime();
                    laps.merge(stage, (now - last[0]) / 1e9, Double::sum);
                    last[0] = now;
                };
                try (NDScope scope = new NDScope();
                        NDManager m = gpt.manager().newSubManager()) {
                    NDArray idx = m.create(ids, new Shape(b, t));
                    timer.lap("setup");
                    NDArray logits = gpt.run(idx, opts, cache, new HashMap<>(), true, timer);
                    float[] host = logits.toFloatArray();
                    timer.lap("logits to host");
                    for (int r = 0; r < b; r++) ids[r] = host[r * gpt.config().vocabSize()] > 0 ? 1 : 2;
                }
                ids = java.util.Arrays.copyOf(ids, b);
                t = 1;
                if (step >= 0) laps.forEach((k, v) -> total.merge(k, v / steps, Double::sum));
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
        return total;
    }

    /** {seconds, flops} of all the model's matmuls at batch × seq run alone (the forward's GEMM floor). */
    public static double[] gemmTotals(ModelConfig c, long batch, long seq, int reps) {
        double[] total = new double[2];
        for (double[] g : gemms(c, batch, seq, reps).values()) {
            total[0] += g[0];
            total[1] += g[1];
        }
        return total;
    }

    /** Stage → {seconds, flops} of its matmuls over all layers (attention at its full T×T shape). */
    private static Map<String, double[]> gemms(ModelConfig c, long b, long t, int reps) {
        long bt = b * t;
        int e = c.nEmbd(), q = c.nHead() * c.headDim(), kv = c.nKvHead() * c.headDim(), l = c.nLayer();
        Map<String, double[]> gemm = new LinkedHashMap<>();
        gemm.put("q,k,v", sum(linear(bt, e, q, reps), linear(bt, e, kv, reps), linear(bt, e, kv, reps), l));
        gemm.put("scores q·k", times(batched(b * c.nHead(), t, c.headDim(), t, reps), l));
        gemm.put("probs·v", times(batched(b * c.nHead(), t, t, c.headDim(), reps), l));
        gemm.put("attn proj", times(linear(bt, q, e, reps), l));
        gemm.put("mlp fc", times(linear(bt, e, 4 * e, reps), l));
        gemm.put("mlp proj", times(linear(bt, 4 * e, e, reps), l));
        gemm.put("lm_head", linear(bt, e, c.vocabSize(), reps));
        return gemm;
    }

    private static double[] times(double[] g, int n) {
        return new double[] {g[0] * n, g[1] * n};
    }

    private static double[] sum(double[] a, double[] b, double[] c, int n) {
        return new double[] {(a[0] + b[0] + c[0]) * n, (a[1] + b[1] + c[1]) * n};
    }

    /** Best-of-reps {seconds, flops} of x[m,k]·Wᵀ with W stored [n,k]. */
    static double[] linear(long m, long k, long n, int reps) {
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray x = mgr.randomNormal(new Shape(m, k));
            NDArray w = mgr.randomNormal(new Shape(n, k));
            return new double[] {best(() -> x.matMul(w.transpose()), reps), 2.0 * m * k * n};
        }
    }

    /** Best-of-reps {seconds, flops} of batch × [m,k]·[k,n]. */
    static double[] batched(long batch, long m, long k, long n, int reps) {
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray a = mgr.randomNormal(new Shape(batch, m, k));
            NDArray b = mgr.randomNormal(new Shape(batch, k, n));
            return new double[] {best(() -> a.matMul(b), reps), 2.0 * batch * m * k * n};
        }
    }

    /** Best of reps after one warm-up run; reps = 0 times a single run (caller warmed up already). */
    private static double best(java.util.function.Supplier<NDArray> op, int reps) {
        double best = Double.MAX_VALUE;
        for (int r = reps == 0 ? 1 : 0; r <= Math.max(1, reps); r++) {
            long t0 = System.nanoTime();
            try (NDArray y = op.get()) {
                y.getShape(); // libtorch CPU ops are synchronous: done when they return
            }
            if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }
}
