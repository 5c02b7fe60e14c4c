package dev.nanochat.sae.core.records;

/**
 * Kafka topic names shared by every service and by tests.
 *
 * <p>Design: one activation topic per (model, hook) so that any number of trainers with different SAE
 * configs can read the same stream with their own consumer groups. Kafka allows only
 * [a-zA-Z0-9._-] and 249 characters; other characters are replaced by '_' so a name is always
 * legal, and the length limit fails loudly instead of being truncated into a collision.
 */
public final class Topics {
    public static final String ACTIVATIONS_PREFIX = "sae.activations.";
    /** CloudEvents for every checkpoint and run completion (key: run id). */
    public static final String CHECKPOINTS = "sae.checkpoints";
    /** Per-step training metrics while a run trains, at most about once a second per run (key: run id). */
    public static final String TRAINING_PROGRESS = "sae.training-progress";
    /** Evaluation results published by the evaluator. */
    public static final String EVALUATIONS = "sae.evaluations";
    /** Dead letters: records that could not be processed, with the reason in headers. */
    public static final String DLQ = "sae.dlq";
    /** Compacted control topic: one record per training run, partitions spread runs over trainers. */
    public static final String RUNS = "sae.runs";

    /** Kafka's limit on topic name length. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private Topics() {}

    /** {@code sae.activations.<modelId>.<hook>}, e.g. sae.activations.d2-000600.blocks.1.hook_resid_post. */
    public static String activations(String modelId, String hook) {
        if (modelId == null || modelId.isBlank() || hook == null || hook.isBlank()) {
            throw new IllegalArgumentException("activation topic needs a model id and a hook, got model id '" + modelId
                    + "' and hook '" + hook + "'");
        }
        String topic = ACTIVATIONS_PREFIX + sanitize(modelId) + "." + sanitize(hook);
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("activation topic '" + topic + "' is " + topic.length()
                    + " characters; Kafka allows " + MAX_TOPIC_LENGTH);
        }
        return topic;
    }

    public static boolean isActivations(String topic) {
        return topic != null && topic.startsWith(ACTIVATIONS_PREFIX) && topic.length() > ACTIVATIONS_PREFIX.length();
    }

    /** Replaces every character Kafka does not allow in topic names by '_'. */
    static String sanitize(String part) {
        StringBuilder sb = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            sb.append(legal ? c : '_');
        }
        return sb.toString();
    }
}
