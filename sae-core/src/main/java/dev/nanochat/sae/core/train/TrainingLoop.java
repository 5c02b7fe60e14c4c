package dev.nanochat.sae.core.train;

/**
 * The training loop of one run, free of Kafka: source records → shuffle buffer → batches → steps,
 * with checkpoints every N consumed tokens.
 *
 * Exactly-once design: before every checkpoint the shuffle buffer is drained (trained to empty), so
 * at a checkpoint "consumed" and "trained" are the same set of records and the source position
 * stored with the weights is exact. Resuming from a checkpoint therefore re-reads precisely the
 * records the checkpoint has not seen; rows trained after the last checkpoint of a crashed instance
 * are forgotten with it. Draining costs a few less-mixed batches per checkpoint interval.
 *
 * Exact resume: the buffer's draw sequence is seeded with seed + tokens at the start and re-seeded the same
 * way after every checkpoint, so a run resumed from a checkpoint draws exactly the batches the
 * uninterrupted run drew after it (given a source that re-delivers the same records, as the array source
 * and a single-partition topic do).
 */
public final class TrainingLoop {
    /** What the owner of the loop wants next; asked between records. */
    public enum Command {
        CONTINUE,
        CHECKPOINT_AND_STOP,
        ABANDON
    }

    public enum Outcome {
        COMPLETED,
        STOPPED,
        ABANDONED
    }

    /** Callbacks into the service shell (persistence, events). */
    public interface Listener {
        void stepped(StepMetrics metrics, long tokensTrained);

        /** Called with an empty buffer: every consumed token is trained. {@code last}: the run completes. */
        void checkpoint(long tokens, boolean last) throws Exception;

        Command command();
    }

    private final Trainer trainer;
    private final RecordSource source;
    private final LoopSettings settings;
    private final Listener listener;
    private final ShuffleBuffer buffer;
    private final float[] batch;
    private final long seed;

    /** {@code seed}: the run's base seed (the SAE config's); the draw sequence depends on it and the token count. */
    public TrainingLoop(
            Trainer trainer, RecordSource source, LoopSettings settings, Listener listener, int dIn, long seed) {
        this.trainer = trainer;
        this.source = source;
        this.settings = settings;
        this.listener = listener;
        this.seed = seed;
        this.buffer =
                new ShuffleBuffer(dIn, settings.shuffleRows() + settings.batchRows(), seed + trainer.tokensSeen());
        this.batch = new float[settings.batchRows() * dIn];
    }

    public Outcome run() throws Exception {
        long consumed = trainer.tokensSeen();
        long nextCheckpoint = consumed + settings.checkpointEvery();
        long lastRecordAt = System.nanoTime();
        while (true) {
            Command command = listener.command();
            if (command == Command.ABANDON) {
                return Outcome.ABANDONED;
            }
            if (command == Command.CHECKPOINT_AND_STOP) {
                drainAndCheckpoint(consumed, false);
                return Outcome.STOPPED;
            }
            if (settings.stopAfter() != null && consumed >= settings.stopAfter()) {
                drainAndCheckpoint(consumed, true);
                return Outcome.COMPLETED;
            }
            Rows rows = source.poll(settings.pollTimeout());
            if (rows != null && rows.rows() > 0) {
                buffer.add(rows);
                consumed += rows.rows();
                lastRecordAt = System.nanoTime();
            }
            while (buffer.size() >= settings.shuffleRows()) {
                trainBatch();
            }
            if (rows == null
                    && System.nanoTime() - lastRecordAt >= settings.idleFlush().toNanos()) {
                while (buffer.size() > 0) {
                    trainBatch();
                }
            }
            boolean completing = settings.stopAfter() != null && consumed >= settings.stopAfter();
            if (consumed >= nextCheckpoint && !completing) {
                drainAndCheckpoint(consumed, false);
                nextCheckpoint = consumed + settings.checkpointEvery();
            }
        }
    }

    private void drainAndCheckpoint(long consumed, boolean last) throws Exception {
        while (buffer.size() > 0) {
            trainBatch();
        }
        if (trainer.tokensSeen() != consumed) {
            // Would break the exactly-once accounting; fail loudly rather than checkpoint a lie.
            throw new IllegalStateException(
                    "trainer saw " + trainer.tokensSeen() + " tokens but " + consumed + " were consumed");
        }
        listener.checkpoint(consumed, last);
        buffer.reseed(seed + consumed);
    }

    private void trainBatch() {
        int n = buffer.take(batch, settings.batchRows());
        StepMetrics metrics = trainer.step(batch, n);
        listener.stepped(metrics, trainer.tokensSeen());
    }
}
