package dev.nanochat.sae.viz.persistence;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of a {@link FeatureRow}: (dashboard, latent index). */
public class FeatureKey implements Serializable {
    public Long dashboardId;
    public int idx;

    public FeatureKey() {}

    public FeatureKey(Long dashboardId, int idx) {
        this.dashboardId = dashboardId;
        this.idx = idx;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureKey k && Objects.equals(dashboardId, k.dashboardId) && idx == k.idx;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dashboardId, idx);
    }
}
