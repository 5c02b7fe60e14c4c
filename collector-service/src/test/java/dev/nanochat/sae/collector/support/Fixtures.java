package dev.nanochat.sae.collector.support;

import dev.nanochat.sae.collector.collection.ActivationStreamSettings;
import dev.nanochat.sae.collector.collection.AllowedRoots;
import dev.nanochat.sae.collector.collection.CollectionPlanner;
import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The test model (nanochat-d2 fixture), the test corpus (Moby-Dick ch. 1) and settings for the local broker. */
public final class Fixtures {
    public static final String MOBY = "moby-dick-ch1.txt";
    public static final List<String> HOOKS = List.of("blocks.0.hook_resid_post", "blocks.1.hook_mlp_out");

    private Fixtures() {}

    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("test resource missing: " + name, e);
        }
    }

    public static CollectionPlanner planner(int batchSequences, int maxRecordBytes) {
        return new CollectionPlanner(
                new AllowedRoots("model", List.of(resource("/models"))),
                new AllowedRoots("data", List.of(resource("/data"))),
                batchSequences,
                maxRecordBytes);
    }

    public static ActivationStreamSettings kafka(String compression) {
        return new ActivationStreamSettings(
                new KafkaClientProperties(Map.of("bootstrap.servers", TopicReader.BOOTSTRAP)),
                compression,
                32L << 20,
                2_000,
                5,
                1 << 20,
                120_000,
                1_000_000,
                3,
                (short) 1,
                3_600_000L);
    }

    public static CollectionRequest request(List<String> hooks, int contextSize, double evalFraction, String dtype) {
        return new CollectionRequest(
                new CollectionRequest.Model("nanochat-d2", "base", null, null),
                hooks,
                new CollectionRequest.Corpus(List.of(MOBY), null),
                contextSize,
                null,
                evalFraction,
                dtype,
                42L);
    }
}
