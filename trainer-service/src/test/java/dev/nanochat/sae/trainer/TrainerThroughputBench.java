package dev.nanochat.sae.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.train.LoopSettings;
import dev.nanochat.sae.core.train.StepMetrics;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingLoop;
import dev.nanochat.sae.core.train.TrainingOptions;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Tokens/s of a run consuming from Kafka (decode, shuffle buffer, checkpoints, offset commits) vs
 * the engine alone stepping on in-memory batches, same config, measured in one JVM:
 * {@code mvn -B -pl trainer-service verify -Pbench [-Dbench.dIn=256 -Dbench.dSae=4096 -Dbench.k=32
 * -Dbench.batch=4096 -Dbench.steps=60]}. Engine-alone is measured before and after the Kafka run and
 * averaged, so JIT warm-up and machine noise do not favour either side. Target: ratio ≥ 0.9.
 */
class TrainerThroughputBench {
    static final int D_IN = Integer.getInteger("bench.dIn", 256);
    static final int D_SAE = Integer.getInteger("bench.dSae", 4096);
    static final int K = Integer.getInteger("bench.k", 32);
    static final int BATCH = Integer.getInteger("bench.batch", 4096);
    static final int STEPS = Integer.getInteger("bench.steps", 60);
    static final int ROWS_PER_RECORD = 512;

    @Test
    void kafka_run_keeps_up_with_the_engine() throws Exception {
        SaeConfig config = SaeConfig.fromJson(new ObjectMapper()
                .readTree(String.format(
                        "{\"architecture\":\"topk\",\"d_in\":%d,\"d_sae\":%d,\"k\":%d,\"batch_size\":%d,\"seed\":1}",
                        D_IN, D_SAE, K, BATCH)));
        long tokens = (long) STEPS * BATCH;
        SyntheticActivations data = new SyntheticActivations(D_IN, 2 * D_IN, 8, 3);
        float[] pool = data.sample(8 * BATCH); // engine-alone batches cycle through this pool
        String topic = ActivationTopics.uniqueTopic("sae.activations.bench");
        ActivationTopics.create(topic, 2);
        try (ActivationTopics producer = new ActivationTopics()) {
            producer.produceTrain(topic, 2, data, (int) (tokens / ROWS_PER_RECORD), ROWS_PER_RECORD);
        }
        engineAlone(config, pool, 5 * (long) BATCH); // JIT warm-up
        double engine1 = engineAlone(config, pool, tokens);
        double kafka = kafkaRun(config, topic, tokens);
        double engine2 = engineAlone(config, pool, tokens);
        double engine = (engine1 + engine2) / 2;
        System.out.printf("%nBENCH trainer d_in=%d d_sae=%d k=%d batch=%d tokens=%d%n", D_IN, D_SAE, K, BATCH, tokens);
        System.out.printf("BENCH engine alone: %.0f tok/s (runs: %.0f, %.0f)%n", engine, engine1, engine2);
        System.out.printf("BENCH kafka run:    %.0f tok/s%n", kafka);
        System.out.printf("BENCH ratio kafka/engine: %.3f (target >= 0.9)%n%n", kafka / engine);
        assertTrue(kafka / engine >= 0.9, "Kafka run at " + kafka / engine + " of the engine's tokens/s");
    }

    private static double engineAlone(SaeConfig config, float[] pool, long tokens) {
        int batches = pool.length / (BATCH * D_IN);
        float[] batch = new float[BATCH * D_IN];
        try (Trainer trainer = new Trainer(config, TrainingOptions.defaults(tokens))) {
            long start = System.nanoTime();
            for (int s = 0; (long) s * BATCH < tokens; s++) {
                System.arraycopy(pool, (s % batches) * BATCH * D_IN, batch, 0, batch.length);
                trainer.step(batch, BATCH);
            }
            return tokens / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double kafkaRun(SaeConfig config, String topic, long tokens) throws Exception {
        Path dir = Files.createTempDirectory("bench-ckpt-");
        Map<String, Object> props = Map.of(
                "bootstrap.servers",
                ActivationTopics.BOOTSTRAP,
                "group.id",
                "bench-" + UUID.randomUUID(),
                "enable.auto.commit",
                false,
                "auto.offset.reset",
                "earliest",
                "key.deserializer",
                StringDeserializer.class,
                "value.deserializer",
                ByteArrayDeserializer.class);
        try (Trainer trainer = new Trainer(config, TrainingOptions.defaults(tokens));
                KafkaRecordSource source =
                        new KafkaRecordSource(new KafkaConsumer<>(props), topic, D_IN, Map.of(), 0, 0, (r, why) -> {
                            throw new AssertionError("bench data must be clean: " + why.getMessage());
                        })) {
            // Shuffle buffer of 4 batches; one intermediate checkpoint + the final one, as a real run does.
            LoopSettings settings = new LoopSettings(
                    BATCH, 4 * BATCH, tokens / 2, tokens, Duration.ofMillis(100), Duration.ofSeconds(2));
            TrainingLoop.Listener listener = new TrainingLoop.Listener() {
                @Override
                public void stepped(StepMetrics metrics, long tokensTrained) {}

                @Override
                public void checkpoint(long at, boolean last) {
                    Map<String, String> position = source.position();
                    trainer.checkpoint(dir.resolve("tokens-" + at), position);
                    source.commit(position);
                }

                @Override
                public TrainingLoop.Command command() {
                    return TrainingLoop.Command.CONTINUE;
                }
            };
            long start = System.nanoTime();
            new TrainingLoop(trainer, source, settings, listener, D_IN, 7).run();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (trainer.tokensSeen() != tokens) {
                throw new AssertionError("trained " + trainer.tokensSeen() + " of " + tokens);
            }
            return tokens / seconds;
        }
    }
}
