package dev.nanochat.sae.nanochat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * nanochat's GPTConfig (meta JSON `model_config`). head_dim = nEmbd / nHead; nKvHead may be smaller
 * than nHead (grouped-query attention: query head h reads kv head h / (nHead / nKvHead)).
 */
public record ModelConfig(int sequenceLen, int vocabSize, int nLayer, int nHead, int nKvHead, int nEmbd) {
    public ModelConfig {
        positive("sequence_len", sequenceLen);
        positive("vocab_size", vocabSize);
        positive("n_layer", nLayer);
        positive("n_head", nHead);
        positive("n_kv_head", nKvHead);
        positive("n_embd", nEmbd);
        if (nEmbd % nHead != 0)
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        if (nKvHead > nHead || nHead % nKvHead != 0) {
            throw new IllegalArgumentException("n_kv_head " + nKvHead + " must divide n_head " + nHead);
        }
        if ((nEmbd / nHead) % 2 != 0)
            throw new IllegalArgumentException("head_dim " + nEmbd / nHead + " must be even for rotary");
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    /** Parameters in the state dict: wte + lm_head + per layer q,k,v,proj (attention) and fc,proj (MLP). */
    public long parameterCount() {
        long c = nEmbd, kv = (long) nKvHead * headDim();
        long perLayer = c * c + 2 * kv * c + c * c + 8 * c * c;
        return 2L * vocabSize * c + nLayer * perLayer;
    }

    /**
     * Forward FLOPs per token at context length t: 2 per matmul weight (wte is a lookup, not counted)
     * plus attention scores and weighted sum, 2·2·t·C per layer averaged over causal positions (t/2).
     */
    public double forwardFlopsPerToken(int t) {
        long matmulParams = parameterCount() - (long) vocabSize * nEmbd;
        double attention = 2.0 * 2.0 * nLayer * nEmbd * (t / 2.0);
        return 2.0 * matmulParams + attention;
    }

    public static ModelConfig fromJson(JsonNode n) {
        return new ModelConfig(
                req(n, "sequence_len"),
                req(n, "vocab_size"),
                req(n, "n_layer"),
                req(n, "n_head"),
                req(n, "n_kv_head"),
                req(n, "n_embd"));
    }

    private static int req(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt())
            throw new IllegalArgumentException("model_config." + key + " is missing or not an int");
        return v.intValue();
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("sequence_len", sequenceLen)
                .put("vocab_size", vocabSize)
                .put("n_layer", nLayer)
                .put("n_head", nHead)
                .put("n_kv_head", nKvHead)
                .put("n_embd", nEmbd);
        return o;
    }
}
