package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Neuronpedia's {@code Neuron} table row (features/batch-N.jsonl.gz). Keys are its column names, mixed
 * camelCase and snake_case exactly as the schema has them; {@code index} is a string column.
 * Unique key: (modelId, layer, index).
 */
@JsonPropertyOrder({
    "modelId",
    "layer",
    "index",
    "creatorId",
    "createdAt",
    "maxActApprox",
    "hasVector",
    "vector",
    "vectorLabel",
    "vectorDefaultSteerStrength",
    "hookName",
    "topkCosSimIndices",
    "topkCosSimValues",
    "neg_str",
    "neg_values",
    "pos_str",
    "pos_values",
    "frac_nonzero",
    "freq_hist_data_bar_heights",
    "freq_hist_data_bar_values",
    "logits_hist_data_bar_heights",
    "logits_hist_data_bar_values",
    "decoder_weights_dist"
})
public record NeuronRow(
        String modelId,
        String layer,
        String index,
        String creatorId,
        String createdAt,
        double maxActApprox,
        boolean hasVector,
        double[] vector,
        String vectorLabel,
        double vectorDefaultSteerStrength,
        String hookName,
        int[] topkCosSimIndices,
        double[] topkCosSimValues,
        @JsonProperty("neg_str") String[] negStr,
        @JsonProperty("neg_values") double[] negValues,
        @JsonProperty("pos_str") String[] posStr,
        @JsonProperty("pos_values") double[] posValues,
        @JsonProperty("frac_nonzero") double fracNonzero,
        @JsonProperty("freq_hist_data_bar_heights") double[] freqHistDataBarHeights,
        @JsonProperty("freq_hist_data_bar_values") double[] freqHistDataBarValues,
        @JsonProperty("logits_hist_data_bar_heights") double[] logitsHistDataBarHeights,
        @JsonProperty("logits_hist_data_bar_values") double[] logitsHistDataBarValues,
        @JsonProperty("decoder_weights_dist") double[] decoderWeightsDist) {}
