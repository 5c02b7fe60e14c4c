package dev.nanochat.sae.neuronpedia.api;

import java.util.List;

/**
 * What an upload (or dry run) did: requests sent now, requests found already done (resumed),
 * features uploaded, dead features skipped, and for a dry run every problem found (empty = valid).
 */
public record UploadReport(
        boolean dryRun,
        int requests,
        int sent,
        int alreadyDone,
        int featureBatches,
        int features,
        int skippedDead,
        int activationBatches,
        int largestBody,
        List<String> problems) {
    public boolean ok() {
        return problems.isEmpty();
    }
}
