package dev.nanochat.sae.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae nanochat forward`: runs [B][T] ids and writes a safetensors file with `input_ids` [B,T] I64,
 * `logits` [B,T,V] and every hook `blocks.{i}.hook_*` [B,T,C], named as the fixture's reference.
 */
@Command(name = "forward", description = "Run the forward pass and write logits and every hook tensor")
public final class NanochatForwardCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--input-ids", required = true, description = "JSON array of equal-length id arrays")
    Path inputIds;

    @Option(names = "--out", required = true, description = "output .safetensors")
    Path out;

    @Override
    public Integer call() throws Exception {
        int[][] ids = new ObjectMapper().readValue(inputIds.toFile(), int[][].class);
        if (ids.length == 0) throw new IllegalArgumentException(inputIds + ": no sequences");
        ModelCheckpoint ref = checkpoint.resolve();
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            ForwardResult r =
                    gpt.forward(ids, new ForwardOptions(new HashSet<>(HookPoint.all(gpt.config())), Map.of(), true));
            long b = ids.length,
                    t = ids[0].length,
                    c = gpt.config().nEmbd(),
                    v = gpt.config().vocabSize();
            long[] flat = new long[(int) (b * t)];
            for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) flat[(int) (i * t + j)] = ids[i][j];
            Safetensors.Writer w = new Safetensors.Writer()
                    .metadata("model_id", ref.modelId())
                    .metadata("note", "nanochat-sae Java forward (DJL, fp32)")
                    .i64("input_ids", new long[] {b, t}, flat)
                    .f32("logits", new long[] {b, t, v}, r.logits());
            for (HookPoint h : HookPoint.all(gpt.config())) w.f32(h.name(), new long[] {b, t, c}, r.activations(h));
            w.write(out);
            System.out.printf(
                    "wrote %s: input_ids [%d,%d], logits [%d,%d,%d], %d hook tensors [%d,%d,%d]%n",
                    out, b, t, b, t, v, r.activations().size(), b, t, c);
        }
        return 0;
    }
}
