package dev.nanochat.sae.features;

/**
 * A nearby feature: another latent's index and the cosine between the two decoder rows (topkCosSim*).
 */
public record Neighbour(int index, float cosine) {

  public Neighbour {
    if (index < 0 || !(cosine >= -1.0001f && cosine <= 1.0001f)) {
      throw new IllegalArgumentException("neighbour " + index + " has cosine " + cosine);
    }
  }
}
