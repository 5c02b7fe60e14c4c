package dev.nanochat.sae.collector.bench;

import dev.nanochat.sae.collector.collection.AllowedRoots;
import dev.nanochat.sae.collector.collection.CollectionJob;
import dev.nanochat.sae.collector.collection.CollectionPlanner;
import dev.nanochat.sae.collector.collection.CollectionPosition;
import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.collection.CollectionRunner;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import dev.nanochat.sae.collector.collection.EvalSplit;
import dev.nanochat.sae.collector.collection.PackedSequence;
import dev.nanochat.sae.collector.collection.RecordSlicer;
import dev.nanochat.sae.collector.collection.SequencePacker;
import dev.nanochat.sae.collector.collection.StepRows;
import dev.nanochat.sae.collector.support.Fixtures;
import dev.nanochat.sae.collector.support.RecordingListener;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.ModelCheckpointWriter;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.StateDictLayout;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the collector into the real broker vs. the model forward alone on the same batches.
 * Run: {@code source deploy/local/env.sh; mvn -B -o -pl collector-service test -Pbench} (broker up).
 * The model is a randomly initialised 8-layer, 512-wide nanochat (vocab of the d2 fixture tokenizer),
 * written with nanochat's checkpoint format, so the forward costs what a small real model costs.
 */
@Tag("bench")
class CollectorBenchmark {
    static final ModelConfig CONFIG = new ModelConfig(256, 1024, 8, 4, 4, 512);
    static final int CONTEXT = 256, BATCH = 8;
    static final long TOKENS = Long.getLong("bench.tokens", 40_960);
    static final String HOOK = "blocks.7.hook_resid_post";

    @Test
    void kafka_throughput_vs_forward_alone_and_compression_choices() throws Exception {
        Path root = Path.of("target/bench").toAbsolutePath();
        Path base = root.resolve("models/bench-d8");
        Path data = Files.createDirectories(root.resolve("data"));
        writeModel(base);
        byte[] text = Files.readAllBytes(Fixtures.resource("/data/" + Fixtures.MOBY));
        try (var out = Files.newOutputStream(data.resolve("moby-x60.txt"))) {
            for (int i = 0; i < 60; i++) {
                out.write(text);
            }
        }
        CollectionPlanner planner = new CollectionPlanner(
                new AllowedRoots("model", List.of(root.resolve("models"))),
                new AllowedRoots("data", List.of(data)),
                BATCH,
                1_000_000);
        CollectionRequest req = new CollectionRequest(
                new CollectionRequest.Model("bench-d8", "base", null, null),
                List.of(HOOK),
                new CollectionRequest.Corpus(List.of("moby-x60.txt"), null),
                CONTEXT,
                TOKENS,
                0.0,
                "f32",
                1L);

        double fwd1 = forwardAlone(planner, req);
        Map<String, double[]> kafka = new HashMap<>();
        for (String codec : List.of("none", "lz4", "zstd")) {
            kafka.put(codec, intoKafka(planner, req, codec));
        }
        double fwd2 = forwardAlone(planner, req);
        double fwd = (fwd1 + fwd2) / 2;
        Map<String, Double> ratios = compressionRatios(planner, req);

        System.out.printf(
                "%n=== collector benchmark: d8×512 random-init nanochat, hook %s, [%d, %d] batches, %d tokens ===%n",
                HOOK, BATCH, CONTEXT, TOKENS);
        System.out.printf(
                "forward alone (same batches, capture only): %.0f tokens/s (runs: %.0f, %.0f)%n", fwd, fwd1, fwd2);
        for (String codec : List.of("none", "lz4", "zstd")) {
            double[] k = kafka.get(codec);
            System.out.printf(
                    "into Kafka, compression %-4s: %.0f tokens/s = %.2f× forward, %.1f MB/s payload, record ratio %.3f%n",
                    codec, k[0], k[0] / fwd, k[1] / 1e6, ratios.get(codec));
        }
    }

    static double forwardAlone(CollectionPlanner planner, CollectionRequest req) {
        try (CollectionJob job = planner.plan("bench-fwd", req, CollectionPosition.START, Map.of());
                SequencePacker packer = new SequencePacker(
                        job.corpus(),
                        job.tokenizer()::encodeOrdinary,
                        job.tokenizer().bosId(),
                        new EvalSplit(1, 0),
                        CONTEXT,
                        CollectionPosition.START)) {
            List<int[][]> batches = new ArrayList<>();
            for (long t = 0; t < TOKENS; t += (long) BATCH * CONTEXT) {
                int[][] ids = new int[BATCH][];
                for (int b = 0; b < BATCH; b++) {
                    ids[b] = packer.next().tokens();
                }
                batches.add(ids);
            }
            ForwardOptions opts = new ForwardOptions(Set.copyOf(job.hooks()), Map.of(), false);
            job.model().forward(batches.get(0), opts); // warm-up
            long t0 = System.nanoTime();
            for (int[][] ids : batches) {
                ForwardResult r = job.model().forward(ids, opts);
                r.activations(job.hooks().get(0));
            }
            return (double) batches.size() * BATCH * CONTEXT / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Returns {tokens/s, payload bytes/s} of a whole collection run (tokenize + forward + encode + send + acks). */
    static double[] intoKafka(CollectionPlanner planner, CollectionRequest req, String codec) {
        CollectionJob job =
                planner.plan("bench-" + codec + "-" + UUID.randomUUID(), req, CollectionPosition.START, Map.of());
        RecordingListener l = new RecordingListener();
        long t0 = System.nanoTime();
        new CollectionRunner(job, Fixtures.kafka(codec), l).run();
        double s = (System.nanoTime() - t0) / 1e9;
        if (l.finished != CollectionStatus.COMPLETED) {
            throw new IllegalStateException("bench run " + codec + " ended " + l.finished + ": " + l.finishedMessage);
        }
        return new double[] {l.last().committed().tokens() / s, l.last().bytesThisRun() / s};
    }

    /** Compressed/raw size of one full record of real activations, per codec (as Kafka would compress it). */
    static Map<String, Double> compressionRatios(CollectionPlanner planner, CollectionRequest req) throws Exception {
        try (CollectionJob job = planner.plan("bench-ratio", req, CollectionPosition.START, Map.of());
                SequencePacker packer = new SequencePacker(
                        job.corpus(),
                        job.tokenizer()::encodeOrdinary,
                        job.tokenizer().bosId(),
                        new EvalSplit(1, 0),
                        CONTEXT,
                        CollectionPosition.START)) {
            List<PackedSequence> windows = new ArrayList<>();
            int[][] ids = new int[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                windows.add(packer.next());
                ids[b] = windows.get(b).tokens();
            }
            ForwardResult r = job.model().forward(ids, new ForwardOptions(Set.copyOf(job.hooks()), Map.of(), false));
            StepRows rows = StepRows.of(windows, Long.MAX_VALUE);
            var chunk = RecordSlicer.chunks(rows, job.maxRowsPerRecord(), 0).get(0);
            byte[] value = ActivationBatchCodec.encode(RecordSlicer.batch(
                    "bench",
                    job.modelId(),
                    HOOK,
                    job.dIn(),
                    job.payloadDtype(),
                    chunk,
                    rows,
                    r.activations(job.hooks().get(0))));
            Map<String, Double> out = new HashMap<>();
            out.put("none", 1.0);
            var lz4 = new java.io.ByteArrayOutputStream();
            try (var z = new net.jpountz.lz4.LZ4FrameOutputStream(lz4)) {
                z.write(value);
            }
            out.put("lz4", lz4.size() / (double) value.length);
            out.put("zstd", com.github.luben.zstd.Zstd.compress(value, 3).length / (double) value.length);
            return out;
        }
    }

    static void writeModel(Path base) throws Exception {
        if (Files.exists(base.resolve("base_checkpoints/d8/model_000001.pt"))) {
            return;
        }
        Random rnd = new Random(1234);
        Map<String, float[]> weights = new HashMap<>();
        for (var e : StateDictLayout.shapes(CONFIG).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] w = new float[(int) n];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextGaussian() * 0.04);
            }
            weights.put(e.getKey(), w);
        }
        ModelCheckpointWriter.write(base, "base", "d8", 1, CONFIG, weights, StorageType.FLOAT, null);
        Path tok = Files.createDirectories(base.resolve("tokenizer"));
        Path src = Fixtures.resource("/models/nanochat-d2/tokenizer");
        for (String f : List.of("tokenizer.pkl", "token_bytes.pt")) {
            Files.copy(src.resolve(f), tok.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
