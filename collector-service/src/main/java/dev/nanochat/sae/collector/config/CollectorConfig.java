package dev.nanochat.sae.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code sae.collector.*}: roots, concurrency and the Kafka producer/topic dials (see application.properties). */
@ConfigMapping(prefix = "sae.collector")
public interface CollectorConfig {
    /** Directories that may hold nanochat base dirs; request paths must resolve inside one. */
    List<Path> modelRoots();

    /** Directories that may hold corpus files. */
    List<Path> dataRoots();

    /** Sequences per forward pass (B of [B, T]). */
    @WithDefault("8")
    int batchSequences();

    /** Collections that run at the same time; more are queued. */
    @WithDefault("1")
    int maxConcurrent();

    /** Resume unfinished collections found in the database at start-up. */
    @WithDefault("true")
    boolean resumeOnStart();

    Producer producer();

    Topics topics();

    interface Producer {
        @WithDefault("zstd")
        String compression();

        @WithDefault("33554432")
        long bufferMemory();

        @WithDefault("2s")
        Duration maxBlock();

        @WithDefault("5")
        int lingerMs();

        @WithDefault("1048576")
        int batchSize();

        @WithDefault("120s")
        Duration deliveryTimeout();

        /** Record size limit (value + key + headers); below the broker's default 1 MiB message.max.bytes. */
        @WithDefault("1000000")
        int maxRecordBytes();
    }

    interface Topics {
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        @WithDefault("7d")
        Duration retention();
    }
}
