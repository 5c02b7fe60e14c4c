package dev.nanochat.sae.features;

/**
 * A human or model-written description of a feature (Neuronpedia's explanation: description, typeName,
 * explanationModelName). The analysis writes none; they arrive from elsewhere and are shown when known.
 */
public record Explanation(String description, String typeName, String explanationModelName) {

  public Explanation {
    if (description == null || description.isBlank() || description.length() > 512) {
      throw new IllegalArgumentException("an explanation needs 1..512 characters, got '" + description + "'");
    }
  }
}
