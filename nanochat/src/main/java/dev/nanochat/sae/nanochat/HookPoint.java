package dev.nanochat.sae.nanochat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named activation site `blocks.{layer}.hook_{kind}` ([B,T,C] fp32). These names become Kafka
 * topic parts and SAE metadata, so they follow TransformerLens naming exactly.
 */
public record HookPoint(int layer, Kind kind) implements Comparable<HookPoint> {
    private static final Pattern NAME =
            Pattern.compile("blocks\\.(\\d+)\\.hook_(resid_pre|attn_out|mlp_out|resid_post)");

    /** In forward order within a block: resid_pre, attn_out, mlp_out, resid_post. */
    public enum Kind {
        RESID_PRE("resid_pre"),
        ATTN_OUT("attn_out"),
        MLP_OUT("mlp_out"),
        RESID_POST("resid_post");

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }
    }

    public HookPoint {
        if (layer < 0) throw new IllegalArgumentException("hook layer must be >= 0, got " + layer);
        if (kind == null) throw new IllegalArgumentException("hook kind is required");
    }

    public static HookPoint parse(String name) {
        Matcher m = NAME.matcher(name == null ? "" : name.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown hook point '" + name
                    + "' (expected blocks.<layer>.hook_resid_pre|hook_attn_out|hook_mlp_out|hook_resid_post)");
        }
        String kind = m.group(2);
        for (Kind k : Kind.values()) {
            if (k.suffix.equals(kind)) return new HookPoint(Integer.parseInt(m.group(1)), k);
        }
        throw new IllegalStateException(kind);
    }

    /** Throws unless the layer exists in this model. */
    public HookPoint validate(ModelConfig config) {
        if (layer >= config.nLayer()) {
            throw new IllegalArgumentException("hook point '" + name() + "' is out of range: the model has "
                    + config.nLayer() + " layers (0.." + (config.nLayer() - 1) + ")");
        }
        return this;
    }

    public String name() {
        return "blocks." + layer + ".hook_" + kind.suffix;
    }

    /** Every hook of a model, layer by layer in forward order. */
    public static List<HookPoint> all(ModelConfig config) {
        List<HookPoint> out = new ArrayList<>();
        for (int i = 0; i < config.nLayer(); i++) {
            for (Kind k : Kind.values()) out.add(new HookPoint(i, k));
        }
        return out;
    }

    @Override
    public int compareTo(HookPoint o) {
        return layer != o.layer ? Integer.compare(layer, o.layer) : kind.compareTo(o.kind);
    }

    @Override
    public String toString() {
        return name();
    }
}
