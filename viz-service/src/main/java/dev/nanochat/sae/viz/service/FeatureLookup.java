package dev.nanochat.sae.viz.service;

import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.DashboardRepository;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.persistence.FeatureRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

/**
 * Finds a feature the way Neuronpedia addresses it ({modelId}/{source}/{index}) in the newest DONE
 * dashboard of that source. A miss is a result naming what was not found, never an exception.
 */
@ApplicationScoped
public class FeatureLookup {
    /** Either the feature's row and its dashboard, or why there is none. */
    public record Found(Dashboard dashboard, FeatureRow row, String error) {
        public boolean found() {
            return row != null;
        }
    }

    @Inject
    DashboardRepository dashboards;

    @Inject
    FeatureRepository features;

    @Transactional
    public Found find(String modelId, String source, String index) {
        Optional<Dashboard> d = dashboards.latestDone(modelId, source);
        if (d.isEmpty()) return new Found(null, null, "No SAE " + modelId + "/" + source + " with dashboards");
        int idx;
        try {
            idx = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            return new Found(d.get(), null, "Feature index '" + index + "' is not a number");
        }
        return features.one(d.get().id, idx)
                .map(r -> new Found(d.get(), r, null))
                .orElseGet(() -> new Found(
                        d.get(),
                        null,
                        "Feature " + modelId + "/" + source + "/" + index + " not found (d_sae " + d.get().dSae + ")"));
    }
}
