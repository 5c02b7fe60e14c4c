package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.SaeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one training loop (trainer-service and `sae train` run it) over an array source: the shuffle buffer
 * is drained before every checkpoint, so at each checkpoint tokens consumed = tokens trained = the source
 * position; the run stops at exactly stopAfter tokens; and a run resumed from a mid-run checkpoint through
 * a new loop ends bit-identical to the uninterrupted one.
 */
class TrainingLoopTest {
    static final int D = 8, ROWS = 1000, RECORD = 70, BATCH = 64, SHUFFLE = 200;
    static final long STOP = 1330, EVERY = 300;

    record Checkpoint(long tokens, boolean last, long trained, long handedOut) {}

    private static SaeConfig config() {
        return SaeConfig.builder("topk", D)
                .dSae(32)
                .k(3)
                .batchSize(BATCH)
                .learningRate(1e-2)
                .warmupSteps(2)
                .seed(3)
                .build();
    }

    private static ArrayActivationSource source(float[] x) {
        return new ArrayActivationSource(x, ROWS, D, 5, true, 0).limit(RECORD, STOP);
    }

    /** Runs the loop; optionally writes the checkpoint at {@code saveAt} tokens into dir. */
    private static List<Checkpoint> run(Trainer t, ArrayActivationSource src, List<Long> stepped, Path dir, long saveAt)
            throws Exception {
        List<Checkpoint> seen = new ArrayList<>();
        var settings = new LoopSettings(BATCH, SHUFFLE, EVERY, STOP, Duration.ZERO, Duration.ZERO);
        TrainingLoop.Outcome outcome = new TrainingLoop(
                        t,
                        src,
                        settings,
                        new TrainingLoop.Listener() {
                            @Override
                            public void stepped(StepMetrics m, long tokensTrained) {
                                stepped.add(tokensTrained);
                            }

                            @Override
                            public void checkpoint(long tokens, boolean last) {
                                seen.add(new Checkpoint(tokens, last, t.tokensSeen(), src.handedOut()));
                                if (tokens == saveAt) t.checkpoint(dir, src.position());
                            }

                            @Override
                            public TrainingLoop.Command command() {
                                return TrainingLoop.Command.CONTINUE;
                            }
                        },
                        D,
                        config().seed())
                .run();
        assertEquals(TrainingLoop.Outcome.COMPLETED, outcome);
        return seen;
    }

    @Test
    void drainsBeforeEveryCheckpointAndCountsEveryTokenOnce(@TempDir Path dir) throws Exception {
        float[] x = new SyntheticData(D, 16, 2, 0.05f, 1).batch(ROWS);
        List<Long> stepped = new ArrayList<>();
        try (Trainer t = new Trainer(config(), TrainingOptions.defaults(STOP))) {
            List<Checkpoint> cps = run(t, source(x), stepped, dir, -1);
            // Records of 70 rows: checkpoint once ≥ 300 tokens were consumed since the last one; final at 1330.
            assertEquals(
                    List.of(
                            new Checkpoint(350, false, 350, 350),
                            new Checkpoint(700, false, 700, 700),
                            new Checkpoint(1050, false, 1050, 1050),
                            new Checkpoint(1330, true, 1330, 1330)),
                    cps);
            assertEquals(STOP, t.tokensSeen(), "exactly stopAfter tokens trained");
            for (int i = 1; i < stepped.size(); i++) {
                long rows = stepped.get(i) - stepped.get(i - 1);
                assertTrue(rows > 0 && rows <= BATCH, "a step trains 1.." + BATCH + " rows, got " + rows);
            }
            // Partial batches only where the buffer was drained (before each of the 4 checkpoints).
            long partial = 0;
            for (int i = 0; i < stepped.size(); i++)
                if (stepped.get(i) - (i == 0 ? 0 : stepped.get(i - 1)) < BATCH) partial++;
            assertTrue(partial <= 4, "partial batches: " + partial);
        }
    }

    @Test
    void resumingThroughTheLoopEqualsTheUninterruptedRun(@TempDir Path dir) throws Exception {
        float[] x = new SyntheticData(D, 16, 2, 0.05f, 1).batch(ROWS);
        float[] full;
        try (Trainer t = new Trainer(config(), TrainingOptions.defaults(STOP))) {
            run(t, source(x), new ArrayList<>(), dir.resolve("full"), 700);
            full = t.syncedParams().get("W_dec").clone();
        }
        try (Trainer t = Trainer.resume(dir.resolve("full"))) {
            assertEquals(700, t.tokensSeen());
            ArrayActivationSource src = source(x);
            src.seek(t.sourcePosition());
            List<Checkpoint> cps = run(t, src, new ArrayList<>(), dir, -1);
            assertEquals(
                    List.of(1050L, 1330L), cps.stream().map(Checkpoint::tokens).toList());
            assertArrayEquals(full, t.syncedParams().get("W_dec"), "resumed run = uninterrupted run");
        }
    }
}
