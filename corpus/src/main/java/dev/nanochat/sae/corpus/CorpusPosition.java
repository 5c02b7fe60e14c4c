package dev.nanochat.sae.corpus;

/**
 * Where a reader resumes: the index of the file in the corpus' sorted file list and the number
 * of document slots of that file already consumed. Encoded as {@code "<file>:<slot>"} so it fits
 * a checkpoint's string map (the trainer's {@code sourcePosition}).
 */
public record CorpusPosition(int fileIndex, long slot) {
    public static final CorpusPosition START = new CorpusPosition(0, 0);

    public CorpusPosition {
        if (fileIndex < 0 || slot < 0) {
            throw new IllegalArgumentException(
                    "corpus position must be non-negative, got file " + fileIndex + " slot " + slot);
        }
    }

    public String encode() {
        return fileIndex + ":" + slot;
    }

    public static CorpusPosition parse(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.trim().split(":");
        try {
            if (parts.length == 2) return new CorpusPosition(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            // fall through to the error naming the bad value
        }
        throw new IllegalArgumentException("bad corpus position '" + encoded + "', expected <file>:<slot>");
    }
}
