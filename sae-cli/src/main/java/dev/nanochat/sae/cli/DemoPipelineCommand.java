package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives the running services through one pipeline: a collection on a middle layer, a TopK run on its
 * topic, and the evaluator's verdict on each checkpoint. Used by {@code ./sae demo} once the launcher
 * has started Kafka, the database and the services; it only talks REST, like any client would.
 * Exit code 0 when the final evaluation exists and (with {@code --max-fvu}) its FVU is below the bound.
 */
@Command(
        name = "demo-pipeline",
        hidden = true,
        description = "Run collection → training → evaluation against running services (used by ./sae demo)")
public final class DemoPipelineCommand implements Callable<Integer> {
    @Option(names = "--collector", defaultValue = "http://127.0.0.1:18081")
    String collector;

    @Option(names = "--trainer", defaultValue = "http://127.0.0.1:18082")
    String trainer;

    @Option(names = "--evaluator", defaultValue = "http://127.0.0.1:18083")
    String evaluator;

    @Option(names = "--neuronpedia", description = "neuronpedia-service: wait for the final checkpoint's package")
    String neuronpedia;

    @Option(
            names = "--viz",
            description = "viz-service URL: wait for the final checkpoint's dashboards and print the UI")
    String viz;

    @Option(names = "--base-dir", required = true, description = "nanochat base dir of the model")
    Path baseDir;

    @Option(names = "--corpus", required = true, description = "corpus file for the collection")
    Path corpus;

    @Option(names = "--hook", description = "hook point (default: resid_post of the middle layer)")
    String hook;

    @Option(names = "--tokens", defaultValue = "400000", description = "tokens to collect")
    long tokens;

    @Option(names = "--context", defaultValue = "128")
    int context;

    @Option(names = "--eval-fraction", defaultValue = "0.1")
    double evalFraction;

    @Option(names = "--expansion", defaultValue = "8")
    int expansion;

    @Option(names = "--k", defaultValue = "32")
    int k;

    @Option(names = "--batch", defaultValue = "1024")
    int batch;

    @Option(names = "--checkpoints", defaultValue = "4", description = "checkpoints (and evaluations) per run")
    int checkpoints;

    @Option(names = "--max-fvu", description = "fail unless the final evaluation's FVU is below this")
    Double maxFvu;

    @Option(names = "--timeout-minutes", defaultValue = "30")
    double timeoutMinutes;

    @Option(names = "--summary", description = "write the final metrics as JSON here")
    Path summary;
    // From the environment by default, so the token never shows in `ps` output or shell history.
    @Option(
            names = "--token",
            defaultValue = "${env:SAE_API_TOKEN}",
            description = "API bearer token (operator role); default $SAE_API_TOKEN")
    String token;

    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        RestClient rest = new RestClient(Duration.ofSeconds(30), token);
        ModelCheckpoint ref = ModelCheckpoints.resolve(baseDir, "base", null, null);
        int dIn = ref.config().nEmbd();
        String hookName =
                hook != null ? hook : "blocks." + Math.max(0, ref.config().nLayer() / 2 - 1) + ".hook_resid_post";
        out.printf(
                Locale.ROOT,
                "model %s (%d layers, d_model %d), hook %s%n",
                ref.modelId(),
                ref.config().nLayer(),
                dIn,
                hookName);

        ObjectNode collection = json.createObjectNode();
        collection.putObject("model").put("baseDir", baseDir.toString()).put("source", "base");
        collection.putArray("hooks").add(hookName);
        ObjectNode corpusNode = collection.putObject("corpus");
        corpusNode.putArray("paths").add(corpus.toString());
        collection
                .put("contextSize", context)
                .put("maxTokens", tokens)
                .put("evalFraction", evalFraction)
                .put("dtype", "f32")
                .put("seed", 1234);
        JsonNode created = rest.post(collector + "/api/collections", collection);
        String collectionId = created.path("id").asText();
        out.println("collection " + collectionId + " started");

        // Stop a little short of the train-split tokens the collection will produce, so the run ends
        // even though the split is by document and the exact count is only known at the end.
        long trainTokens = (long) (tokens * (1 - evalFraction) * 0.85) / batch * batch;
        ObjectNode run = json.createObjectNode();
        run.put("modelId", ref.modelId())
                .put("hook", hookName)
                .put("batchTokens", batch)
                .put("shuffleBufferTokens", batch * 8)
                .put("checkpointEveryTokens", Math.max(batch, trainTokens / checkpoints / batch * batch))
                .put("stopAfterTokens", trainTokens)
                .put("device", "cpu");
        run.putObject("sae")
                .put("d_in", dIn)
                .put("d_sae", dIn * expansion)
                .put("architecture", "topk")
                .put("k", k)
                .put("learning_rate", 4e-4)
                .put("warmup_steps", 20)
                .put("hook_point", hookName)
                .put("batch_size", batch);
        JsonNode runCreated = rest.post(trainer + "/api/runs", run);
        String runId = runCreated.path("id").asText();
        out.println("training run " + runId + " started (" + trainTokens + " tokens, TopK k=" + k + ", d_sae "
                + dIn * expansion + ")");

        long deadline = System.nanoTime() + (long) (timeoutMinutes * 60e9);
        JsonNode finalEval = null;
        while (System.nanoTime() < deadline) {
            JsonNode c = rest.get(collector + "/api/collections/" + collectionId);
            JsonNode r = rest.get(trainer + "/api/runs/" + runId);
            JsonNode evals = rest.get(evaluator + "/api/evaluations?run=" + runId);
            out.println(progressLine(c, r, evals));
            if ("FAILED".equals(c.path("status").asText()))
                throw new IllegalStateException(
                        "collection failed: " + c.path("message").asText());
            String rs = r.path("status").asText();
            if ("FAILED".equals(rs) || "STOPPED".equals(rs))
                throw new IllegalStateException(
                        "run " + rs + ": " + r.path("error").asText());
            finalEval = finalEvaluation(evals);
            if (finalEval != null) break;
            Thread.sleep(3000);
        }
        if (finalEval == null)
            throw new IllegalStateException("no final evaluation within " + timeoutMinutes + " minutes");
        printTable(finalEval);
        out.printf("%nservices: collector %s  trainer %s  evaluator %s%n", collector, trainer, evaluator);
        out.printf("curve: %s/api/runs/%s/curve?metric=fvu%n", evaluator, runId);
        if (summary != null)
            Files.writeString(summary, json.writerWithDefaultPrettyPrinter().writeValueAsString(finalEval));
        if (viz != null) dashboards(rest, runId, finalEval.path("step").asLong(), deadline);
        if (!"ok".equals(finalEval.path("status").asText())) {
            throw new IllegalStateException(
                    "final evaluation failed: " + finalEval.path("reason").asText());
        }
        double fvu = finalEval.path("metrics").path("fvu").asDouble(Double.NaN);
        if (maxFvu != null && !(fvu < maxFvu)) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "final FVU %.4f is not below %.4f", fvu, maxFvu));
        }
        if (neuronpedia != null)
            DemoPackageWait.await(
                    rest, neuronpedia, runId, finalEval.path("step").asLong(), 5, out);
        return 0;
    }

    /** Waits for viz-service's analysis of the final checkpoint, then prints the UI and one live feature page. */
    private void dashboards(RestClient rest, String runId, long step, long deadline) throws Exception {
        String checkpointId = runId + ":" + step;
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode j : rest.get(viz + "/api/jobs"))
                if (checkpointId.equals(j.path("checkpointId").asText())) job = j;
            if (job != null && !"RUNNING".equals(job.path("status").asText())) break;
            out.println(
                    job == null
                            ? "dashboards: waiting for viz-service"
                            : String.format(
                                    Locale.ROOT,
                                    "dashboards: %s %.0f%% (%,d tokens)",
                                    job.path("phase").asText(),
                                    100 * job.path("progress").asDouble(),
                                    job.path("tokens").asLong()));
            job = null;
            Thread.sleep(3000);
        }
        if (job == null || !"DONE".equals(job.path("status").asText())) {
            throw new IllegalStateException("dashboards of " + checkpointId + " not built: "
                    + (job == null ? "timed out" : job.path("error").asText()));
        }
        long id = job.path("id").asLong();
        JsonNode top = rest.get(viz + "/api/saes/" + id + "/features?sort=max_act&size=1")
                .path("features")
                .path(0);
        out.printf("%ndashboards: %s/saes/%d%n", viz, id);
        out.printf(
                "feature page: %s/saes/%d/features/%d%n",
                viz, id, top.path("idx").asInt());
    }

    private static JsonNode finalEvaluation(JsonNode evals) {
        for (JsonNode e : evals) if (e.path("finalCheckpoint").asBoolean()) return e;
        return null;
    }

    private static String progressLine(JsonNode c, JsonNode r, JsonNode evals) {
        String last = "-";
        if (evals instanceof ArrayNode a && a.size() > 0) {
            JsonNode m = a.get(a.size() - 1).path("metrics");
            last = String.format(
                    Locale.ROOT,
                    "%d (fvu %.3f, ce_rec %.3f)",
                    a.size(),
                    m.path("fvu").asDouble(Double.NaN),
                    m.path("ce_loss_recovered").asDouble(Double.NaN));
        }
        return String.format(
                Locale.ROOT,
                "collect %-9s %,9d tok %7.0f tok/s | train %-9s %,9d tok %6.0f tok/s loss %.4f fvu %.3f L0 %.1f dead %.1f%% | evals %s",
                c.path("status").asText(),
                c.path("tokens").asLong(),
                c.path("tokensPerSecond").asDouble(),
                r.path("status").asText(),
                r.path("tokensTrained").asLong(),
                r.path("tokensPerSecond").asDouble(),
                r.path("loss").asDouble(Double.NaN),
                r.path("fvu").asDouble(Double.NaN),
                r.path("l0").asDouble(Double.NaN),
                r.path("deadPercent").asDouble(Double.NaN),
                last);
    }

    private void printTable(JsonNode eval) {
        out.printf(
                "%nfinal evaluation of run %s at step %d (%,d tokens, status %s)%n",
                eval.path("runId").asText(),
                eval.path("step").asLong(),
                eval.path("tokens").asLong(),
                eval.path("status").asText());
        List<String> names = new ArrayList<>();
        eval.path("metrics").fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode v = eval.path("metrics").path(name);
            if (v.isNumber()) out.printf(Locale.ROOT, "  %-22s %12.5f%n", name, v.asDouble());
        }
    }
}
