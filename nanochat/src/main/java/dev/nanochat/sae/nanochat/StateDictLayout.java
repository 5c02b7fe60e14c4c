package dev.nanochat.sae.nanochat;

import java.util.LinkedHashMap;
import java.util.Map;

/** nanochat's state dict keys and shapes for a config, in the order `model.state_dict()` lists them. */
public final class StateDictLayout {
    public static final String COMPILE_PREFIX = "_orig_mod.";

    private StateDictLayout() {}

    public static Map<String, long[]> shapes(ModelConfig c) {
        long e = c.nEmbd(), q = (long) c.nHead() * c.headDim(), kv = (long) c.nKvHead() * c.headDim();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("transformer.wte.weight", new long[] {c.vocabSize(), e});
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            m.put(p + "attn.c_q.weight", new long[] {q, e});
            m.put(p + "attn.c_k.weight", new long[] {kv, e});
            m.put(p + "attn.c_v.weight", new long[] {kv, e});
            m.put(p + "attn.c_proj.weight", new long[] {e, q});
            m.put(p + "mlp.c_fc.weight", new long[] {4 * e, e});
            m.put(p + "mlp.c_proj.weight", new long[] {e, 4 * e});
        }
        m.put("lm_head.weight", new long[] {c.vocabSize(), e});
        return m;
    }

    /** torch.compile saves keys as `_orig_mod.<key>`; nanochat strips the prefix on load. */
    public static String stripCompilePrefix(String key) {
        return key.startsWith(COMPILE_PREFIX) ? key.substring(COMPILE_PREFIX.length()) : key;
    }
}
