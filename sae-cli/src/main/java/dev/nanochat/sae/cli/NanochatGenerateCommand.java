package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.ChatMessage;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae nanochat generate`: base checkpoints continue `<|bos|> prompt`; mid/sft/rl checkpoints (or
 * --chat) answer the prompt as a user turn. Stops on <|assistant_end|> or <|bos|>.
 */
@Command(name = "generate", description = "Generate text from a prompt")
public final class NanochatGenerateCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--prompt", required = true)
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0")
    float temperature;

    @Option(names = "--top-k", defaultValue = "50")
    int topK;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--chat", description = "render the prompt as a chat user turn (default for non-base sources)")
    Boolean chat;

    @Override
    public Integer call() {
        ModelCheckpoint ref = checkpoint.resolve();
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        boolean asChat = chat != null ? chat : !"base".equals(ref.source());
        int[] ids = asChat
                ? tok.renderForCompletion(List.of(new ChatMessage("user", prompt)))
                : withBos(tok, tok.encodeOrdinary(prompt));
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            SamplingOptions opts =
                    new SamplingOptions(maxTokens, temperature, topK, seed, SamplingOptions.nanochatStops(tok));
            Generator.Generation g = new Generator(gpt).generate(ids, opts, Map.of(), null);
            System.out.println(asChat ? tok.decode(g.tokens()) : prompt + tok.decode(g.tokens()));
        }
        return 0;
    }

    private static int[] withBos(Tokenizer tok, int[] text) {
        int[] out = new int[text.length + 1];
        out[0] = tok.bosId();
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }
}
