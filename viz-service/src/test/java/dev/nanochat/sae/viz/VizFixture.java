package dev.nanochat.sae.viz;

import static dev.nanochat.sae.viz.VizTestResource.*;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Digests;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.core.records.TrainingProgressJson;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Shared test data: real activations of the d2 fixture on real text (eval split, on the activation
 * topic), a ReLU SAE folder with seeded weights, checkpoint events. Built once per JVM.
 */
final class VizFixture {
    static final int D = 128, N = 64;
    static final String RUN_ID = "run-" + RUN;
    static final String[] TEXT = {
        "The cat sat on the mat and looked at the door.", "A dog ran across the park chasing a red ball.",
        "In 1969 people walked on the moon for the first time.", "The café served naïve coffee — strong and hot.",
        "Numbers like 3, 14, 159 and 2653 appear in many places.",
                "She wrote a long letter to her old friend in Paris.",
        "The river flows north through the valley and into the sea.",
                "Rain fell all night; by morning the streets were wet.",
        "He opened the book, read one page, and fell asleep.", "Computers add numbers faster than any person can.",
        "The king and the queen ruled the land for forty years.", "Bright stars filled the sky above the quiet town."
    };
    static List<int[]> docs;
    static float[] rows; // [total tokens, D], in the order sent
    static int totalTokens;
    static Path saeDir;
    static String sha;
    private static boolean sent;

    private VizFixture() {}

    static synchronized void sendActivations() throws Exception {
        if (sent) return;
        Tokenizer tok = Tokenizer.load(modelRoot.resolve("tokenizer"));
        docs = new ArrayList<>();
        for (String s : TEXT) {
            int[] body = tok.encodeOrdinary(s);
            int[] doc = new int[body.length + 1];
            doc[0] = tok.bosId();
            System.arraycopy(body, 0, doc, 1, body.length);
            docs.add(doc);
        }
        List<float[]> acts = new ArrayList<>();
        HookPoint hook = HookPoint.parse(HOOK);
        try (Gpt gpt = Gpt.load(ModelCheckpoints.resolve(modelRoot, "base", TAG, 600), Device.cpu())) {
            for (int[] doc : docs)
                acts.add(gpt.forward(new int[][] {doc}, ForwardOptions.captureOnly(Set.of(hook)))
                        .activations(hook));
        }
        totalTokens = docs.stream().mapToInt(d -> d.length).sum();
        rows = new float[totalTokens * D];
        int at = 0;
        for (float[] a : acts) {
            System.arraycopy(a, 0, rows, at, a.length);
            at += a.length;
        }
        int half = docs.size() / 2;
        send(
                ACTIVATIONS,
                "c",
                ActivationBatchCodec.encode(batch(0, Split.EVAL, 0, half, acts)),
                ActivationBatchCodec.headers(batch(0, Split.EVAL, 0, half, acts)));
        // A train-split record is read past; it must not count.
        send(
                ACTIVATIONS,
                "c",
                ActivationBatchCodec.encode(batch(1, Split.TRAIN, 0, 1, acts)),
                ActivationBatchCodec.headers(batch(1, Split.TRAIN, 0, 1, acts)));
        send(
                ACTIVATIONS,
                "c",
                ActivationBatchCodec.encode(batch(2, Split.EVAL, half, docs.size(), acts)),
                ActivationBatchCodec.headers(batch(2, Split.EVAL, half, docs.size(), acts)));
        saeDir = writeSae(checkpointRoot.resolve(RUN_ID).resolve("step-100"), 11);
        sha = Digests.sha256(saeDir.resolve("sae_weights.safetensors"));
        sent = true;
    }

    private static ActivationBatch batch(long seq, Split split, int from, int to, List<float[]> acts) {
        int n = 0;
        for (int i = from; i < to; i++) n += docs.get(i).length;
        int[] t = new int[n];
        long[] d = new long[n];
        int[] p = new int[n];
        float[] a = new float[n * D];
        int at = 0;
        for (int i = from; i < to; i++) {
            int[] doc = docs.get(i);
            System.arraycopy(acts.get(i), 0, a, at * D, doc.length * D);
            for (int j = 0; j < doc.length; j++) {
                t[at] = doc[j];
                d[at] = i;
                p[at] = j;
                at++;
            }
        }
        return new ActivationBatch("c-" + RUN, MODEL_ID, HOOK, D, DType.F32, seq, split, 1, a, t, d, p);
    }

    /** A ReLU SAE ("standard") with seeded weights; latents 0 and 1 can never fire. */
    static Path writeSae(Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        float[] wEnc = gaussian(r, D * N, 0.15f), bEnc = gaussian(r, N, 0.5f), wDec = gaussian(r, N * D, 0.1f);
        bEnc[0] = -1e4f;
        bEnc[1] = -1e4f;
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("d_in", D)
                .put("d_sae", N)
                .put("dtype", "float32")
                .put("device", "cpu")
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none")
                .put("architecture", "standard");
        cfg.putObject("metadata").put("model_name", MODEL_ID).put("hook_name", HOOK);
        Files.writeString(dir.resolve("cfg.json"), cfg.toPrettyString());
        new Safetensors.Writer()
                .f32("W_enc", new long[] {D, N}, wEnc)
                .f32("b_enc", new long[] {N}, bEnc)
                .f32("W_dec", new long[] {N, D}, wDec)
                .f32("b_dec", new long[] {D}, new float[D])
                .write(dir.resolve("sae_weights.safetensors"));
        return dir;
    }

    static float[] gaussian(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    /** Dense codes of every sent eval row, [totalTokens, N], through the real SAE inference path. */
    static float[] denseCodes() {
        try (Sae sae = Sae.load(saeDir)) {
            return sae.encode(rows, totalTokens);
        }
    }

    static CheckpointEvent event(
            String runId, long step, boolean fin, Path dir, String sha256, Map<String, Double> metrics) {
        ObjectNode config = new ObjectMapper()
                .createObjectNode()
                .put("architecture", "standard")
                .put("d_in", D)
                .put("d_sae", N);
        return new CheckpointEvent(
                runId,
                step,
                step * 4096,
                dir.toString(),
                sha256,
                fin,
                metrics,
                config,
                MODEL_ID,
                HOOK,
                "test",
                Instant.now());
    }

    static void sendEvent(CheckpointEvent e) throws Exception {
        send(CHECKPOINTS, e.runId(), CheckpointEvents.toCloudEventBytes(e), Map.of());
    }

    /** A trainer's progress record at {@code step} (tokens as {@link #event}: 4096 per step). */
    static TrainingProgress progress(String runId, long step, Map<String, Double> metrics) {
        return new TrainingProgress(runId, step, step * 4096, MODEL_ID, HOOK, "standard", metrics);
    }

    /** Progress records in order, through one producer (one per record would take ~0.1 s each). */
    static void sendProgress(List<TrainingProgress> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // In order and none lost on a new partition: one request in flight (KAFKA-15591).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (TrainingProgress r : records)
                producer.send(new ProducerRecord<>(PROGRESS, r.runId(), TrainingProgressJson.toBytes(r)));
            producer.flush();
        }
    }

    static void send(String topic, String key, byte[] value, Map<String, String> headers) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(r).get();
        }
    }
}
