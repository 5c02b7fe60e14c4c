package dev.nanochat.sae.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The two products of the decoder a dashboard needs, computed a chunk of latents at a time with DJL
 * GEMMs so memory stays [chunk, vocab] and [chunk, d_sae]: the logit lens W_dec[i] · W_Uᵀ (top and
 * bottom tokens and a histogram over the vocabulary) and the nearest latents by decoder cosine.
 *
 * <p>Ties break toward the lower token id / latent index so results are reproducible. A latent with a
 * zero decoder row has cosine 0 with everything.
 */
final class DecoderProducts implements AutoCloseable {
    private final NDManager manager = NDManager.newBaseManager();
    private final float[] wDec;
    private final int dSae;
    private final int d;
    private final int vocab;
    private final NDArray unembedT;
    private final NDArray normedT;
    private final float[] normed;
    private final TokenText text;
    private final AnalysisSettings settings;

    DecoderProducts(float[] wDec, int dSae, int d, Unembedding unembedding, TokenText text, AnalysisSettings settings) {
        if (unembedding.d() != d) {
            throw new IllegalArgumentException("unembedding has d=" + unembedding.d() + " but the SAE's d_in is " + d);
        }
        this.wDec = wDec;
        this.dSae = dSae;
        this.d = d;
        this.text = text;
        this.settings = settings;
        this.vocab = Math.min(unembedding.vocab(), text.vocabSize());
        float[] wu = unembedding.weight();
        float[] head = wu.length == (long) vocab * d ? wu : java.util.Arrays.copyOf(wu, vocab * d);
        this.unembedT = manager.create(head, new Shape(vocab, d)).transpose();
        this.normed = new float[wDec.length];
        for (int i = 0; i < dSae; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) wDec[i * d + j] * wDec[i * d + j];
            float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
            for (int j = 0; j < d; j++) normed[i * d + j] = wDec[i * d + j] * inv;
        }
        this.normedT = manager.create(normed, new Shape(dSae, d)).transpose();
    }

    /** Logit lens of latents [from, to). */
    List<LogitLens> logitLens(int from, int to) {
        List<LogitLens> out = new ArrayList<>(to - from);
        try (NDManager scope = manager.newSubManager()) {
            float[] rows = java.util.Arrays.copyOfRange(wDec, from * d, to * d);
            float[] logits =
                    scope.create(rows, new Shape(to - from, d)).matMul(unembedT).toFloatArray();
            for (int r = 0; r < to - from; r++) {
                out.add(lens(logits, r * vocab));
            }
        }
        return out;
    }

    private LogitLens lens(float[] logits, int off) {
        int n = settings.logitTokens();
        int[] top = TopIndices.largest(logits, off, vocab, n, false);
        int[] bottom = TopIndices.largest(logits, off, vocab, n, true);
        List<TokenValue> pos = new ArrayList<>();
        for (int t : top) pos.add(new TokenValue(t, text.raw(t), logits[off + t]));
        List<TokenValue> neg = new ArrayList<>();
        for (int t : bottom) neg.add(new TokenValue(t, text.raw(t), logits[off + t]));
        return new LogitLens(pos, neg, Histograms.evenBars(logits, off, vocab, settings.logitHistogramBars()));
    }

    /** Nearest latents of [from, to) by decoder cosine, without the latent itself. */
    List<List<Neighbour>> neighbours(int from, int to) {
        List<List<Neighbour>> out = new ArrayList<>(to - from);
        int n = Math.min(settings.neighbours(), dSae - 1);
        try (NDManager scope = manager.newSubManager()) {
            float[] rows = java.util.Arrays.copyOfRange(normed, from * d, to * d);
            float[] cos =
                    scope.create(rows, new Shape(to - from, d)).matMul(normedT).toFloatArray();
            for (int r = 0; r < to - from; r++) {
                int self = from + r;
                cos[r * dSae + self] = Float.NEGATIVE_INFINITY;
                int[] best = TopIndices.largest(cos, r * dSae, dSae, n, false);
                List<Neighbour> list = new ArrayList<>();
                for (int b : best) list.add(new Neighbour(b, Math.max(-1f, Math.min(1f, cos[r * dSae + b]))));
                out.add(list);
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
