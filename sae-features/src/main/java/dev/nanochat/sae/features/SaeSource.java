package dev.nanochat.sae.features;

import java.util.regex.Pattern;

/**
 * Which SAE a set of dashboards belongs to, named the way Neuronpedia names it so an export needs no
 * renaming: {@code modelId} ({@code ^[a-z][a-z0-9.-]*[a-z0-9]$}, 2–32 chars, no "--" or "..") and
 * {@code sourceId} = {@code {layer}-{setName}} with setName {@code ^[a-z][a-z0-9-]*[a-z0-9]$} (no "--",
 * not "neurons"). The rest is the platform's own provenance: hook, run, checkpoint, architecture, sizes.
 */
public record SaeSource(String modelId, String sourceId, String hookName, String runId, String checkpointId,
    String architecture, int dIn, int dSae) {

  private static final Pattern MODEL_ID = Pattern.compile("^[a-z][a-z0-9.-]*[a-z0-9]$");
  private static final Pattern SOURCE_ID = Pattern.compile("^(\\d+)-([a-z][a-z0-9-]*[a-z0-9])$");

  public SaeSource {
    if (modelId == null || modelId.length() < 2 || modelId.length() > 32 || !MODEL_ID.matcher(modelId).matches()
        || modelId.contains("--") || modelId.contains("..")) {
      throw new IllegalArgumentException("model id '" + modelId + "' breaks Neuronpedia's rule "
          + "^[a-z][a-z0-9.-]*[a-z0-9]$ (2-32 chars, no '--' or '..')");
    }
    var m = sourceId == null ? null : SOURCE_ID.matcher(sourceId);
    if (m == null || !m.matches() || m.group(2).contains("--") || m.group(2).equals("neurons")) {
      throw new IllegalArgumentException("source id '" + sourceId + "' must be {layer}-{set} with set "
          + "^[a-z][a-z0-9-]*[a-z0-9]$ (no '--', not 'neurons')");
    }
    if (hookName == null || hookName.isBlank() || runId == null || checkpointId == null || architecture == null) {
      throw new IllegalArgumentException("hook, run, checkpoint and architecture are required");
    }
    if (dIn <= 0 || dSae <= 0) {
      throw new IllegalArgumentException("d_in and d_sae must be positive, got " + dIn + ", " + dSae);
    }
  }

  /** The numeric layer of the source id. */
  public int layer() {
    return Integer.parseInt(sourceId.substring(0, sourceId.indexOf('-')));
  }

  /** The source set name (the part after the layer). */
  public String setName() {
    return sourceId.substring(sourceId.indexOf('-') + 1);
  }

  /** {modelId}/{sourceId}, SAELens' metadata.neuronpedia_id. */
  public String neuronpediaId() {
    return modelId + "/" + sourceId;
  }
}
