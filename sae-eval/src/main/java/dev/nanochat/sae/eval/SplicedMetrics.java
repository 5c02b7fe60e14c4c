package dev.nanochat.sae.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Next-token loss of a model with an SAE spliced in at one hook (names as in sae.md).
 *
 * <p>ce_* are mean cross-entropies in nats per predicted token; kl_* are mean KL(clean ‖ other) per
 * token. ceLossRecovered is NaN when zero-ablation costs nothing (the ratio is undefined); it is then
 * left out of {@link #toMap()} rather than reported as a number.
 */
public record SplicedMetrics(
        long tokens,
        int sequences,
        double ceLossClean,
        double ceLossSpliced,
        double ceLossZeroAblated,
        double ceLossRecovered,
        double klSpliced,
        double klZeroAblated) {

    static SplicedMetrics from(NextTokenLoss.Sums s, int sequences) {
        if (s.tokens() == 0) {
            throw new IllegalArgumentException("no predicted tokens: held-out sequences are all shorter than 2");
        }
        double n = s.tokens();
        double clean = s.ceClean() / n, spliced = s.ceSpliced() / n, zero = s.ceZero() / n;
        double denom = zero - clean;
        // Below ~1e-9 nats the ratio is noise over noise: report it as undefined.
        double recovered = Math.abs(denom) < 1e-9 ? Double.NaN : (zero - spliced) / denom;
        return new SplicedMetrics(
                s.tokens(), sequences, clean, spliced, zero, recovered, s.klSpliced() / n, s.klZero() / n);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ce_loss_clean", ceLossClean);
        m.put("ce_loss_spliced", ceLossSpliced);
        m.put("ce_loss_zero_ablated", ceLossZeroAblated);
        if (!Double.isNaN(ceLossRecovered)) {
            m.put("ce_loss_recovered", ceLossRecovered);
        }
        m.put("kl_spliced", klSpliced);
        m.put("kl_zero_ablated", klZeroAblated);
        m.put("ce_tokens", tokens);
        m.put("ce_sequences", sequences);
        return m;
    }
}
