package dev.nanochat.sae.train;

/**
 * nanochat's bits-per-byte: the summed cross-entropy (nats) of every target token that stands for
 * text, divided by ln 2 times the UTF-8 bytes those targets decode to. Targets whose byte length
 * is 0 (special tokens such as {@code <|bos|>}) count in neither sum, so the figure does not depend
 * on the tokenizer's vocabulary size and two tokenizers can be compared.
 */
public final class BitsPerByte {
    private final int[] tokenBytes;
    private double nats;
    private long bytes;
    private long tokens;

    /** @param tokenBytes per token id, its UTF-8 byte length (0 for special tokens): token_bytes.pt */
    public BitsPerByte(int[] tokenBytes) {
        this.tokenBytes = tokenBytes;
    }

    /** @param nll per-target negative log-likelihood in nats, aligned with targets */
    public void add(float[] nll, int[] targets) {
        if (nll.length != targets.length)
            throw new IllegalArgumentException(nll.length + " losses for " + targets.length + " targets");
        for (int i = 0; i < targets.length; i++) {
            int b = tokenBytes[targets[i]];
            if (b == 0) continue;
            nats += nll[i];
            bytes += b;
            tokens++;
        }
    }

    public double bpb() {
        return bytes == 0 ? Double.NaN : nats / (Math.log(2) * bytes);
    }

    /** Mean loss per counted token, in nats. */
    public double loss() {
        return tokens == 0 ? Double.NaN : nats / tokens;
    }

    public long bytes() {
        return bytes;
    }
}
