package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.neuronpedia.api.UploadPlan.Request;
import dev.nanochat.sae.neuronpedia.api.UploadProgress.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link UploadPlan}: model → source set → feature batches → extra activation batches, each
 * request validated first (all of them, before the first is sent) and recorded in an
 * {@link UploadProgress}, so an upload killed at any point resumes without sending a batch twice.
 *
 * <p>Design: a request is SENDING from just before it leaves until the server's 2xx is recorded as
 * DONE. At resume (and before any retry of an ambiguous failure) a SENDING feature batch is checked
 * with the read API: all its features present → it was applied, mark DONE without resending; none →
 * send; some → stop with a clear error (Neuronpedia applies a batch in one transaction, so that means
 * someone else wrote there). Model and source-set creation cannot be probed and are re-sent:
 * Neuronpedia answers a second {@code model/new} or {@code source-set/new} with 400 and an error
 * saying the model or source set "already exists" (its route checks before creating), which counts as
 * done. That also lets a second source set be uploaded to a model created earlier.
 */
public final class Uploader {
    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    private final NeuronpediaClient client;
    private final UploadProgress progress;
    private final int maxBytes;
    private final Listener listener;

    /** Told after every request that is done (sent now or earlier). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (r, done, total) -> {};

        void done(Request request, int done, int total);
    }

    public Uploader(NeuronpediaClient client, UploadProgress progress, int maxBytes, Listener listener) {
        this.client = client;
        this.progress = progress;
        this.maxBytes = maxBytes;
        this.listener = listener == null ? Listener.NONE : listener;
    }

    /** Every problem of every request, checked offline; nothing is sent. */
    public static UploadReport dryRun(UploadPlan plan, int maxBytes) {
        List<String> problems = validate(plan, maxBytes);
        return report(plan, true, 0, 0, problems);
    }

    public UploadReport upload(UploadPlan plan) {
        List<String> problems = validate(plan, maxBytes);
        if (!problems.isEmpty()) throw new InvalidPayloadException(problems);
        List<Request> all = plan.all();
        int sent = 0, already = 0, done = 0;
        for (Request r : all) {
            Optional<UploadProgress.Step> step = progress.step(r.key());
            if (step.isPresent() && !step.get().digest().equals(r.digest()))
                throw new IllegalStateException(
                        "upload step " + r.key() + " was recorded for different content: the package"
                                + " changed since this upload started; start a new upload");
            if (step.isPresent() && step.get().state() == State.DONE) {
                already++;
            } else if (step.isPresent() && applied(plan, r)) {
                LOG.info("{} was applied before the interruption; recording it without resending", r.key());
                progress.mark(r.key(), State.DONE, r.digest());
                already++;
            } else {
                progress.mark(r.key(), State.SENDING, r.digest());
                try {
                    client.post(r.route(), r.body(), () -> applied(plan, r));
                    sent++;
                } catch (NeuronpediaException e) {
                    if (!alreadyExists(r, e)) throw e;
                    LOG.info("{}: Neuronpedia already has it ({}); taking it as created", r.key(), errorOf(e));
                    already++;
                }
                progress.mark(r.key(), State.DONE, r.digest());
            }
            listener.done(r, ++done, all.size());
        }
        LOG.info(
                "upload of {}/{}: {} requests sent, {} already done, {} features, {} dead skipped",
                plan.modelId(),
                plan.source(),
                sent,
                already,
                plan.features(),
                plan.skippedDead().size());
        return report(plan, false, sent, already, List.of());
    }

    /** Neuronpedia's answer to creating a model or source set it holds: 400 {error: "... already exists ..."}. */
    static boolean alreadyExists(Request r, NeuronpediaException e) {
        boolean creates = r.route().equals("/api/model/new") || r.route().equals("/api/source-set/new");
        return creates
                && e.status() == 400
                && errorOf(e).toLowerCase(java.util.Locale.ROOT).contains("already exists");
    }

    private static String errorOf(NeuronpediaException e) {
        try {
            return NeuronpediaClient.JSON
                    .readTree(e.body() == null ? "" : e.body())
                    .path("error")
                    .asText("");
        } catch (IOException notJson) {
            return "";
        }
    }

    /** Whether the server already holds what {@code r} writes (see the class comment). */
    boolean applied(UploadPlan plan, Request r) {
        if (r.indexes().isEmpty()) return false;
        if (r.route().equals("/api/activation/upload-batch")) return activationsPresent(plan, r);
        int present = 0;
        for (int index : r.indexes()) {
            if (client.feature(plan.modelId(), plan.source(), index).isPresent()) present++;
        }
        if (present != 0 && present != r.indexes().size())
            throw new IllegalStateException(r.key() + " is partially on the server (" + present + " of "
                    + r.indexes().size() + " features): resolve it by hand before resuming");
        return present == r.indexes().size();
    }

    private boolean activationsPresent(UploadPlan plan, Request r) {
        try {
            JsonNode body = NeuronpediaClient.JSON.readTree(r.body());
            JsonNode first = body.path("activations").get(0).path("tokens");
            return client.feature(plan.modelId(), plan.source(), r.indexes().get(0))
                    .map(f -> {
                        for (JsonNode a : f.path("activations"))
                            if (a.path("tokens").equals(first)) return true;
                        return false;
                    })
                    .orElse(false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> validate(UploadPlan plan, int maxBytes) {
        List<String> problems = new ArrayList<>();
        for (Request r : plan.all()) {
            JsonNode b;
            try {
                b = NeuronpediaClient.JSON.readTree(r.body());
            } catch (IOException e) {
                problems.add(r.key() + ": not JSON");
                continue;
            }
            List<String> p =
                    switch (r.route()) {
                        case "/api/model/new" -> PayloadValidator.modelNew(b, r.body().length, maxBytes);
                        case "/api/source-set/new" -> PayloadValidator.sourceSetNew(b, r.body().length, maxBytes);
                        case "/api/feature/upload-batch" -> PayloadValidator.featureBatch(b, r.body().length, maxBytes);
                        default -> PayloadValidator.activationBatch(b, r.body().length, maxBytes);
                    };
            p.forEach(x -> problems.add(r.key() + " " + x));
        }
        return problems;
    }

    private static UploadReport report(UploadPlan plan, boolean dry, int sent, int already, List<String> problems) {
        int largest = plan.all().stream().mapToInt(r -> r.body().length).max().orElse(0);
        return new UploadReport(
                dry,
                plan.all().size(),
                sent,
                already,
                plan.batches().size(),
                plan.features(),
                plan.skippedDead().size(),
                plan.activationBatches().size(),
                largest,
                problems);
    }
}
