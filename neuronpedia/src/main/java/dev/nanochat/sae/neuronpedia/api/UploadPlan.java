package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.ActivationExample;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.util.ArrayList;
import java.util.List;

/**
 * Every request of one upload, in order, with a stable key and a digest each, so progress recorded
 * by one process can be trusted by the next: the plan is a pure function of the dashboards and the
 * limits, and a recorded step whose digest no longer matches means the package changed.
 *
 * <p>Batches: live features in index order, greedily packed while the batch stays ≤ {@code maxFeatures}
 * and its JSON body ≤ {@code maxBytes}. A feature whose examples alone exceed the limit keeps only as
 * many as fit; the rest go through {@code /api/activation/upload-batch}, as do examples beyond
 * {@code activationsPerFeature}.
 */
public record UploadPlan(
        String modelId,
        String source,
        Request model,
        Request sourceSet,
        List<Request> batches,
        List<Request> activationBatches,
        int features,
        List<Integer> skippedDead) {

    /** One POST: a stable key ("features-3"), its route, body, digest and the feature indexes it carries. */
    public record Request(String key, String route, byte[] body, String digest, List<Integer> indexes) {}

    public record Limits(int maxFeatures, int maxBytes, int activationsPerFeature) {
        public static final int HOSTED_BODY_CAP = 4_500_000;

        public Limits {
            if (maxFeatures < 1 || maxFeatures > 128)
                throw new IllegalArgumentException("maxFeatures must be 1..128, got " + maxFeatures);
            if (maxBytes < 10_000) throw new IllegalArgumentException("maxBytes must be ≥ 10000, got " + maxBytes);
            if (activationsPerFeature < 1) throw new IllegalArgumentException("activationsPerFeature must be ≥ 1");
        }

        /** 128 features, 4 MB (headroom under the 4.5 MB cap for headers and proxies), all examples. */
        public static Limits defaults() {
            return new Limits(128, 4_000_000, Integer.MAX_VALUE);
        }
    }

    public static UploadPlan of(
            SaeDashboards d, int modelLayers, String displayName, String description, Limits limits) {
        String source = d.sourceId();
        Request model = request(
                "model", "/api/model/new", UploadPayloads.modelNew(d.modelId(), modelLayers, displayName), List.of());
        Request set = request(
                "source-set",
                "/api/source-set/new",
                UploadPayloads.sourceSetNew(d.modelId(), d.sourceSetName(), description),
                List.of());
        List<Request> batches = new ArrayList<>();
        List<Request> extra = new ArrayList<>();
        List<ObjectNode> cur = new ArrayList<>();
        List<Integer> curIdx = new ArrayList<>();
        int envelope = size(UploadPayloads.featureBatch(d.modelId(), source, List.of()));
        int curBytes = envelope;
        for (FeatureDashboard f : d.live()) {
            int keep = Math.min(limits.activationsPerFeature(), f.activations().size());
            ObjectNode one = UploadPayloads.feature(f, keep);
            while (keep > 1 && envelope + size(one) > limits.maxBytes()) one = UploadPayloads.feature(f, --keep);
            int bytes = size(one) + 1;
            if (!cur.isEmpty() && (cur.size() == limits.maxFeatures() || curBytes + bytes > limits.maxBytes())) {
                batches.add(request(
                        "features-" + batches.size(),
                        "/api/feature/upload-batch",
                        UploadPayloads.featureBatch(d.modelId(), source, cur),
                        curIdx));
                cur = new ArrayList<>();
                curIdx = new ArrayList<>();
                curBytes = envelope;
            }
            cur.add(one);
            curIdx.add(f.index());
            curBytes += bytes;
            List<ActivationExample> rest =
                    f.activations().subList(keep, f.activations().size());
            for (int from = 0; from < rest.size(); ) {
                int to = from + 1;
                while (to < rest.size()
                        && size(UploadPayloads.activationBatch(
                                        d.modelId(), source, f.index(), rest.subList(from, to + 1)))
                                <= limits.maxBytes()) to++;
                extra.add(request(
                        "activations-" + f.index() + "-" + from,
                        "/api/activation/upload-batch",
                        UploadPayloads.activationBatch(d.modelId(), source, f.index(), rest.subList(from, to)),
                        List.of(f.index())));
                from = to;
            }
        }
        if (!cur.isEmpty())
            batches.add(request(
                    "features-" + batches.size(),
                    "/api/feature/upload-batch",
                    UploadPayloads.featureBatch(d.modelId(), source, cur),
                    curIdx));
        return new UploadPlan(
                d.modelId(), source, model, set, batches, extra, d.live().size(), d.deadIndexes());
    }

    /** Every request in sending order. */
    public List<Request> all() {
        List<Request> out = new ArrayList<>(List.of(model, sourceSet));
        out.addAll(batches);
        out.addAll(activationBatches);
        return out;
    }

    private static Request request(String key, String route, ObjectNode body, List<Integer> indexes) {
        byte[] bytes = bytes(body);
        return new Request(key, route, bytes, sha256(bytes), List.copyOf(indexes));
    }

    static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int size(ObjectNode n) {
        return bytes(n).length;
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return NeuronpediaClient.JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
