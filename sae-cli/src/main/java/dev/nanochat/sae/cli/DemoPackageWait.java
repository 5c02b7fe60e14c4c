package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's last step: wait until neuronpedia-service has packaged the final checkpoint (it does so
 * when viz-service announces the checkpoint's dashboards on sae.dashboards) and print where the package
 * and its archive are. Nothing is uploaded.
 */
final class DemoPackageWait {
    private DemoPackageWait() {}

    /** Returns the READY export of {@code runId:step}; fails with what it saw when the time is up. */
    static JsonNode await(RestClient rest, String neuronpedia, String runId, long step, double minutes, PrintStream out)
            throws Exception {
        String checkpointId = runId + ":" + step;
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (JsonNode e : rest.get(neuronpedia + "/api/exports")) {
                seen.add(
                        e.path("checkpointId").asText() + " " + e.path("status").asText());
                if (!checkpointId.equals(e.path("checkpointId").asText())) continue;
                String status = e.path("status").asText();
                if ("READY".equals(status)) {
                    JsonNode full = rest.get(
                            neuronpedia + "/api/exports/" + e.path("id").asText());
                    out.printf(
                            "%nNeuronpedia/SAELens package of %s (%d live, %d dead features, not uploaded):%n  %s%n  %s%n"
                                    + "  upload: NEURONPEDIA_API_KEY=... ./sae neuronpedia upload --export %s --dry-run%n",
                            checkpointId,
                            full.path("liveFeatures").asInt(),
                            full.path("deadFeatures").asInt(),
                            full.path("packageDir").asText(),
                            full.path("packageDir").asText() + ".tar.gz",
                            full.path("packageDir").asText());
                    return full;
                }
                if ("FAILED".equals(status))
                    throw new IllegalStateException("packaging " + checkpointId + " failed: "
                            + e.path("reason").asText());
            }
            Thread.sleep(3000);
        }
        throw new IllegalStateException(
                "no package of " + checkpointId + " within " + minutes + " minutes; exports: " + seen);
    }
}
