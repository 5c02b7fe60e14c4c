package dev.nanochat.sae.features;

/**
 * A token with a score: one entry of a logit-lens list (Neuronpedia's pos_str/pos_values,
 * neg_str/neg_values). {@code token} is the decoded text (never empty: see {@link TokenText}).
 */
public record TokenValue(int tokenId, String token, float value) {

  public TokenValue {
    if (tokenId < 0 || token == null || token.isEmpty()) {
      throw new IllegalArgumentException("token " + tokenId + " needs a non-empty string, got '" + token + "'");
    }
  }
}
