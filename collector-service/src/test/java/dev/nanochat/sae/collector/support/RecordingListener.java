package dev.nanochat.sae.collector.support;

import dev.nanochat.sae.collector.collection.CollectionListener;
import dev.nanochat.sae.collector.collection.CollectionProgress;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Keeps what a runner reported; an optional hook runs on every progress call (on the runner thread). */
public class RecordingListener implements CollectionListener {
    public final CopyOnWriteArrayList<CollectionProgress> progress = new CopyOnWriteArrayList<>();
    public volatile String waitingReason;
    public volatile int runningCalls;
    public volatile CollectionStatus finished;
    public volatile String finishedMessage;
    private final Consumer<RecordingListener> onProgress;

    public RecordingListener() {
        this(l -> {});
    }

    public RecordingListener(Consumer<RecordingListener> onProgress) {
        this.onProgress = onProgress;
    }

    public CollectionProgress last() {
        return progress.isEmpty() ? null : progress.get(progress.size() - 1);
    }

    @Override
    public void waiting(String reason) {
        waitingReason = reason;
    }

    @Override
    public void resumed() {
        runningCalls++;
    }

    @Override
    public void running() {
        runningCalls++;
    }

    @Override
    public void progress(CollectionProgress p) {
        progress.add(p);
        onProgress.accept(this);
    }

    @Override
    public void finished(CollectionStatus status, String message) {
        finished = status;
        finishedMessage = message;
    }
}
