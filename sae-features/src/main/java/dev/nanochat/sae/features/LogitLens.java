package dev.nanochat.sae.features;

import java.util.List;

/**
 * What a feature writes into the logits: W_dec[i] · W_U (shape [vocab]) with the model's unembedding.
 *
 * <p>{@code top} holds the largest 10 in descending order (pos_*), {@code bottom} the smallest 10 in
 * ascending order (neg_*, most negative first); ties break toward the lower token id. The histogram covers
 * all vocab entries (logits_hist_data_bar_*).
 */
public record LogitLens(List<TokenValue> top, List<TokenValue> bottom, Histogram histogram) {

  public LogitLens {
    if (top == null || bottom == null || histogram == null) {
      throw new IllegalArgumentException("top, bottom and histogram are required");
    }
    top = List.copyOf(top);
    bottom = List.copyOf(bottom);
  }
}
