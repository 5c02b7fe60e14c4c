package dev.nanochat.sae.viz.persistence;

import java.util.Locale;

/** A feature list entry: index, density, max activation and a short text of its top example. */
@io.quarkus.qute.TemplateData
public record FeatureStats(int idx, double fracNonzero, float maxAct, String blurb) {
    /** Density for display (4 significant digits). */
    public String density() {
        return String.format(Locale.ROOT, "%.4g", fracNonzero);
    }

    /** Max activation for display. */
    public String max() {
        return String.format(Locale.ROOT, "%.3f", maxAct);
    }
}
