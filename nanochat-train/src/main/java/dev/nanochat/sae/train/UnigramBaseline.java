package dev.nanochat.sae.train;

/**
 * The floor a language model must beat: token frequencies counted on the training stream
 * (add-one smoothed over the vocabulary), scored on held-out targets with the same bits-per-byte
 * rule as the model. A model that has learned nothing about context sits at this figure.
 */
public final class UnigramBaseline {
    private final long[] counts;
    private long total;

    public UnigramBaseline(int vocabSize) {
        this.counts = new long[vocabSize];
    }

    /** Counts targets (row[1..]) as the model sees them. */
    public void count(int[][] batch) {
        for (int[] row : batch) {
            for (int j = 1; j < row.length; j++) counts[row[j]]++;
            total += row.length - 1;
        }
    }

    public long total() {
        return total;
    }

    public void score(int[][] batch, BitsPerByte into) {
        double denom = total + counts.length;
        for (int[] row : batch) {
            int[] targets = java.util.Arrays.copyOfRange(row, 1, row.length);
            float[] nll = new float[targets.length];
            for (int j = 0; j < targets.length; j++) nll[j] = (float) -Math.log((counts[targets[j]] + 1) / denom);
            into.add(nll, targets);
        }
    }
}
