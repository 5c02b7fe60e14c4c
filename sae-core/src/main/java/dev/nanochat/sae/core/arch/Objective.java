package dev.nanochat.sae.core.arch;

import ai.djl.Device;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.DecoderNorm;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.train.Adam;
import dev.nanochat.sae.core.train.StepPath;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of the training architectures: parameter layout and initialisation, loss + gradients of one batch,
 * and export to an inference {@link Sae}. Subclasses are registered by architecture in {@link Objectives}.
 *
 * Shared layout: {@code enc} [n, d] (encoder rows; SAELens W_enc is its transpose), {@code b_enc} [n],
 * {@code W_dec} [n, d], {@code b_dec} [d]. Init: random unit decoder rows, enc = W_dec (i.e. W_enc = W_decᵀ),
 * b_enc = 0; b_dec is set from the first batch by the trainer (geometric median).
 */
public abstract class Objective {
    public final SaeConfig cfg;
    public final int d;
    public final int n;

    public Objective(SaeConfig cfg) {
        this.cfg = cfg;
        this.d = cfg.dIn();
        this.n = cfg.dSae();
    }

    public Params init(Rng rng) {
        Params p = new Params();
        float[] enc = p.add("enc", new long[] {n, d}, true);
        p.add("b_enc", new long[] {n}, true);
        float[] w = p.add("W_dec", new long[] {n, d}, true);
        p.add("b_dec", new long[] {d}, true);
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        try (Parallel one = new Parallel(1)) {
            DecoderNorm.normalizeRows(w, n, d, one);
        }
        System.arraycopy(w, 0, enc, 0, w.length);
        return p;
    }

    /** The kernel path this objective's steps take ({@link SparseObjective}: host kernels; {@link DenseObjective}: device). */
    public abstract StepPath stepPath(Device device, Params params, Adam adam, Parallel par);

    /** Bookkeeping after the optimizer step (e.g. BatchTopK's running threshold). */
    public void afterStep(Params p, BatchResult r) {}

    public boolean resamplesDeadLatents() {
        return false;
    }

    /** Inference SAE on the raw scale: inputs were multiplied by {@code scale} during training. */
    public abstract Sae export(Params p, float scale);

    /**
     * As {@link #export(Params, float)}, given the latest training batch x [rows, d] (normalised scale; null
     * when none is at hand, e.g. right after a resume) for architectures whose export is estimated from
     * data under the final weights (BatchTopK's JumpReLU threshold).
     */
    public Sae export(Params p, float scale, float[] recentX, int rows) {
        return export(p, scale);
    }

    /** SAELens W_enc, b_enc, W_dec, b_dec with the input scale folded in (W_enc·s, W_dec/s, b_dec/s). */
    public Map<String, HostTensor> exportLinear(Params p, float scale, String encoderBiasName) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        float[] enc = p.get("enc");
        float[] wEnc = new float[d * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) wEnc[j * n + i] = enc[i * d + j] * scale;
        m.put("W_enc", new HostTensor(new long[] {d, n}, wEnc));
        if (encoderBiasName != null)
            m.put(
                    encoderBiasName,
                    new HostTensor(new long[] {n}, p.get(encoderBiasName).clone()));
        m.put("W_dec", new HostTensor(new long[] {n, d}, scaled(p.get("W_dec"), 1 / scale)));
        m.put("b_dec", new HostTensor(new long[] {d}, scaled(p.get("b_dec"), 1 / scale)));
        return m;
    }

    public static float[] scaled(float[] a, float s) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] * s;
        return out;
    }
}
