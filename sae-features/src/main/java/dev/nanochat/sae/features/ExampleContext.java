package dev.nanochat.sae.features;

import java.util.Arrays;
import java.util.List;

/**
 * One example of a feature: the whole context window as the model saw it, with the feature's value at
 * every token, so any number on a dashboard can be recomputed from it.
 *
 * <p>Design: token ids, display strings and values are parallel arrays of one length (Neuronpedia's
 * activation row needs equal lengths). Strings are the decoded text of each token (raw whitespace; see
 * {@link TokenText} for the visible form); ids let a consumer re-decode. {@code qualifyingTokenIndex} is
 * the token this example was chosen for (SAEDashboard's name); for a top example it is the argmax.
 * {@code sequence}/{@code firstRow} locate the window in the activation records it came from (the record
 * sequence number and the row of its first token). Arrays are copied in and out: the record is immutable.
 */
public record ExampleContext(long sequence, int firstRow, long docId, int[] tokenIds, List<String> tokens,
    float[] values, int qualifyingTokenIndex) {

  public ExampleContext {
    if (tokenIds == null || tokens == null || values == null) {
      throw new IllegalArgumentException("tokenIds, tokens and values are required");
    }
    if (tokenIds.length == 0 || tokenIds.length != tokens.size() || tokenIds.length != values.length) {
      throw new IllegalArgumentException("example arrays disagree: " + tokenIds.length + " token ids, "
          + tokens.size() + " strings, " + values.length + " values (need equal, ≥ 1)");
    }
    if (qualifyingTokenIndex < 0 || qualifyingTokenIndex >= values.length) {
      throw new IllegalArgumentException("qualifyingTokenIndex " + qualifyingTokenIndex + " outside 0.."
          + (values.length - 1));
    }
    tokenIds = tokenIds.clone();
    tokens = List.copyOf(tokens);
    values = values.clone();
  }

  @Override
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  /** Number of tokens in the window. */
  public int length() {
    return values.length;
  }

  /** The feature's value at token {@code i} (no copy). */
  public float value(int i) {
    return values[i];
  }

  /** Neuronpedia's maxValue: the largest value in the window. */
  public float maxValue() {
    return values[maxValueTokenIndex()];
  }

  /** Neuronpedia's maxValueTokenIndex: the first index of the largest value. */
  public int maxValueTokenIndex() {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Neuronpedia's minValue: the smallest value in the window. */
  public float minValue() {
    float min = values[0];
    for (float v : values) {
      min = Math.min(min, v);
    }
    return min;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExampleContext e && sequence == e.sequence && firstRow == e.firstRow && docId == e.docId
        && qualifyingTokenIndex == e.qualifyingTokenIndex && Arrays.equals(tokenIds, e.tokenIds)
        && tokens.equals(e.tokens) && Arrays.equals(values, e.values);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(sequence) * 31 + firstRow) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "ExampleContext[seq=" + sequence + " row=" + firstRow + " len=" + values.length + " q="
        + qualifyingTokenIndex + " max=" + maxValue() + "]";
  }
}
