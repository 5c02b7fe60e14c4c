package dev.nanochat.sae.train;

/** Progress of a demo-model run, for progress bars and logs. All methods default to doing nothing. */
public interface TrainingListener {
    /** A step finished; {@code progress} in [0,1] of the step/time budget. */
    record Step(
            int step, double progress, double loss, double lrMultiplier, double tokensPerSecond, double lastValBpb) {}

    default void tokenizerTrained(TokenizerTraining.Result result) {}

    default void step(Step step) {}

    default void evaluated(int step, double valBpb) {}

    TrainingListener NONE = new TrainingListener() {};
}
