package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.runtime.FeatureTrace;
import dev.nanochat.sae.runtime.RuntimeRun;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.runtime.TrackSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `sae track`: one forward over {@code <|bos|> text}, a table of the top features per token and SAE. */
@Command(name = "track", description = "Top SAE features per token of a text (one column per SAE)")
public final class TrackCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(
            names = "--sae",
            required = true,
            arity = "1..*",
            description = "SAELens folder(s); each names its hook in cfg.json")
    List<Path> saes;

    @Option(names = "--text", required = true)
    String text;

    @Option(names = "--top", defaultValue = "3", description = "features per token and SAE (default ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
        try (SaeRuntime rt = SaeRuntime.load(checkpoint.resolve(), saes, Device.cpu())) {
            int[] ids = rt.encodeWithBos(text);
            Set<Integer> all = IntStream.range(0, saes.size()).boxed().collect(Collectors.toSet());
            RuntimeRun run = rt.forward(ids, TrackSpec.topN(top, all), List.of(), Set.of(), false);
            int[] cell = new int[saes.size()];
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%4s  %-16s", "pos", "token"));
            for (int s = 0; s < saes.size(); s++) {
                String label = rt.sae(s).id() + " @" + rt.sae(s).hook().name();
                cell[s] = Math.max(label.length(), top * 12); // "1234:12.34 " per feature
                head.append(String.format(Locale.ROOT, "  %-" + cell[s] + "s", label));
            }
            System.out.println(head);
            for (int t = 0; t < ids.length; t++) {
                StringBuilder line = new StringBuilder(String.format(
                        Locale.ROOT, "%4d  %-16s", t, clip(show(rt.tokenizer().decode(new int[] {ids[t]})), 16)));
                for (int s = 0; s < saes.size(); s++) {
                    FeatureTrace.Position p = run.trace(s).position(t);
                    StringBuilder c = new StringBuilder();
                    for (int k = 0; k < p.indices().length; k++)
                        c.append(String.format(Locale.ROOT, "%d:%.2f ", p.indices()[k], p.values()[k]));
                    line.append(String.format(
                            Locale.ROOT,
                            "  %-" + cell[s] + "s",
                            c.length() == 0 ? "-" : c.toString().trim()));
                }
                System.out.println(line);
            }
        }
        return 0;
    }

    /** Visible whitespace so token boundaries read in a table. */
    static String show(String token) {
        return token.replace("\n", "\\n").replace("\t", "\\t").replace(' ', '·');
    }

    static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
