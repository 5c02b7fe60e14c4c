package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.runtime.FeatureEdit;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.runtime.SteerComparison;
import dev.nanochat.sae.runtime.SteerMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae steer`: continues {@code <|bos|> prompt} twice from the same seed — unsteered and with the
 * feature steered — and prints both side by side.
 */
@Command(name = "steer", description = "Default and steered continuations of a prompt, side by side")
public final class SteerCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--sae", required = true, description = "SAELens folder")
    Path sae;

    @Option(names = "--feature", required = true)
    int feature;

    @Option(
            names = "--strength",
            defaultValue = "8",
            description = "additive strength, or the clamp value (default ${DEFAULT-VALUE})")
    float strength;

    @Option(names = "--method", defaultValue = "additive", description = "additive | clamp | ablate")
    String method;

    @Option(names = "--prompt", required = true)
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "48")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7")
    float temperature;

    @Option(names = "--top-k", defaultValue = "50")
    int topK;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(
            names = "--freq-penalty",
            defaultValue = "0",
            description = "TransformerLens' frequency penalty when sampling: logits/T − p · count of the token so far")
    float freqPenalty;

    @Option(names = "--width", defaultValue = "40", description = "column width")
    int width;

    @Override
    public Integer call() {
        SteerMethod m =
                switch (method.toLowerCase(Locale.ROOT)) {
                    case "additive", "add" -> SteerMethod.ADDITIVE;
                    case "clamp" -> SteerMethod.CLAMP;
                    case "ablate" -> SteerMethod.ABLATE;
                    default -> throw new IllegalArgumentException(
                            "--method must be additive, clamp or ablate, got '" + method + "'");
                };
        try (SaeRuntime rt = SaeRuntime.load(checkpoint.resolve(), List.of(sae), Device.cpu())) {
            int[] ids = rt.encodeWithBos(prompt);
            SamplingOptions opts = new SamplingOptions(
                    maxTokens, temperature, topK, seed, SamplingOptions.nanochatStops(rt.tokenizer()), freqPenalty);
            SteerComparison.Result r =
                    new SteerComparison(rt).run(ids, opts, List.of(new FeatureEdit(0, feature, m, strength)), 0, null);
            String label = String.format(
                    Locale.ROOT,
                    "STEERED (%s %d %s %s)",
                    rt.sae(0).id(),
                    feature,
                    m.name().toLowerCase(Locale.ROOT),
                    m == SteerMethod.ABLATE ? "" : strength);
            sideBySide(
                    "DEFAULT",
                    prompt + rt.tokenizer().decode(r.defaults().tokens()),
                    label.trim(),
                    prompt + rt.tokenizer().decode(r.steered().tokens()),
                    width);
        }
        return 0;
    }

    static void sideBySide(String leftTitle, String left, String rightTitle, String right, int width) {
        List<String> a = wrap(left, width), b = wrap(right, width);
        System.out.printf(Locale.ROOT, "%-" + width + "s | %s%n", TrackCommand.clip(leftTitle, width), rightTitle);
        System.out.println("-".repeat(width) + "-+-" + "-".repeat(width));
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            System.out.printf(
                    Locale.ROOT, "%-" + width + "s | %s%n", i < a.size() ? a.get(i) : "", i < b.size() ? b.get(i) : "");
        }
    }

    /** Greedy word wrap; newlines start a new line; words longer than the width are cut. */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        for (String para : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            for (String word : para.split(" ", -1)) {
                while (word.length() > width) {
                    if (line.length() > 0) {
                        out.add(line.toString());
                        line.setLength(0);
                    }
                    out.add(word.substring(0, width));
                    word = word.substring(width);
                }
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) line.append(' ');
                line.append(word);
            }
            out.add(line.toString());
        }
        return out;
    }
}
