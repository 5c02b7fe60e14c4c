package dev.nanochat.sae.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.ActivationTensor;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeMetrics;
import dev.nanochat.sae.eval.HeldOutCapture;
import dev.nanochat.sae.eval.HeldOutSet;
import dev.nanochat.sae.eval.SaeEvaluation;
import dev.nanochat.sae.eval.SplicedEvaluation;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae eval`: an SAE folder on stored activations, or (model mode) on activations captured by running
 * nanochat on real text, adding the spliced next-token loss. Model mode calls sae-eval, the code the
 * evaluator service runs. With --json exactly one JSON object on stdout.
 */
@Command(
        name = "eval",
        description = "Evaluate an SAE folder on activations, or on a model run over text (adds spliced CE/KL)")
public final class EvalCommand implements Callable<Integer> {
    static final class Input {
        @Option(names = "--activations", description = "safetensors file with [N, d] or [B, T, d]")
        Path activations;

        @Option(names = "--text-file", description = "model mode: one UTF-8 text document")
        Path textFile;

        @Option(names = "--corpus", description = "model mode: corpus file or dir (.txt lines, .jsonl, .parquet)")
        Path corpus;
    }

    @Option(names = "--sae", required = true, description = "SAELens folder")
    Path saeDir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--tensor", description = "tensor name (with --activations)")
    String tensor;

    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--hook", description = "blocks.<i>.hook_<kind> (default: the SAE's cfg.json metadata.hook_name)")
    String hook;

    @Option(
            names = "--tokens",
            defaultValue = "4096",
            description = "held-out tokens to capture and score (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--seq-len", description = "window length (default: the model's sequence_len)")
    Integer seqLen;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Sae sae = Sae.load(saeDir)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sae", saeDir.toString());
            out.put("architecture", sae.saeLensArchitecture());
            out.put("d_in", sae.config().dIn());
            out.put("d_sae", sae.config().dSae());
            if (input.activations != null) {
                if (tensor == null) throw new IllegalArgumentException("--tensor is required with --activations");
                ActivationTensor acts = ActivationTensor.read(
                        input.activations, tensor, sae.config().dIn());
                out.putAll(SaeMetrics.evaluate(sae, acts.data(), acts.rows()).toMap());
            } else {
                evaluateOnModel(sae, out);
            }
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                out.forEach((k, v) -> System.out.println(k + ": " + v));
            }
        }
        return 0;
    }

    private void evaluateOnModel(Sae sae, Map<String, Object> out) {
        String hookName = hook != null ? hook : sae.config().hookPoint();
        if (hookName == null || hookName.isBlank())
            throw new IllegalArgumentException(
                    saeDir.resolve("cfg.json") + " names no metadata.hook_name; pass --hook");
        HookPoint point = HookPoint.parse(hookName);
        ModelCheckpoint ref = checkpoint.resolve();
        point.validate(ref.config());
        if (sae.config().dIn() != ref.config().nEmbd())
            throw new IllegalArgumentException("SAE d_in " + sae.config().dIn() + " does not match " + ref.modelId()
                    + " hook " + point.name() + " width n_embd=" + ref.config().nEmbd());
        int window = seqLen != null ? seqLen : ref.config().sequenceLen();
        if (window > ref.config().sequenceLen())
            throw new IllegalArgumentException("--seq-len " + window + " exceeds the model's context "
                    + ref.config().sequenceLen());
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        List<int[]> docs = input.textFile != null
                ? HeldOutText.fromTextFile(input.textFile, tok, window, tokens)
                : HeldOutText.fromCorpus(input.corpus, tok, window, tokens);
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            HeldOutSet set = HeldOutCapture.capture(gpt, point, docs);
            out.put("model_id", ref.modelId());
            out.put("hook", point.name());
            out.putAll(SaeEvaluation.evaluate(sae, set, new SplicedEvaluation(gpt, point), tokens));
        }
    }
}
