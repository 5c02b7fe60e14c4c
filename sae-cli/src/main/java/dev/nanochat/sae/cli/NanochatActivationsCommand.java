package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.DefaultCorpus;
import dev.nanochat.sae.corpus.Document;
import dev.nanochat.sae.corpus.SaeHome;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae nanochat activations`: one hook's activations over corpus text, written as a safetensors file
 * ({@code activations} [N, d] F32, {@code input_ids} [N] I64) that `sae train --activations`, `sae eval
 * --activations` and other tools (numpy, torch) read. The offline path, without the services.
 *
 * <p>Design: documents are packed as the collector packs them, {@code <|bos|>} + ordinary tokens
 * back to back, cut into windows of exactly --seq-len tokens (a window may span documents, as in
 * nanochat's pretraining); --skip-tokens drops the stream's first tokens, so a held-out file can be cut
 * from text a training file did not use. Windows run in batches of --batch through a forward that stops
 * at the hook; all rows are held in memory (the file is written in one piece), so N·d is capped.
 */
@Command(name = "activations", description = "Write one hook's activations over corpus text (safetensors)")
public final class NanochatActivationsCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--hook", required = true, description = "blocks.<i>.hook_<resid_pre|attn_out|mlp_out|resid_post>")
    String hook;

    @Option(
            names = "--corpus",
            description = "corpus file or dir (.txt lines, .jsonl, .parquet; default: $SAE_HOME/corpus/"
                    + DefaultCorpus.FILE_NAME + ")")
    Path corpus;

    @Option(names = "--tokens", required = true, description = "rows to write (a multiple of --seq-len is used)")
    long tokens;

    @Option(names = "--skip-tokens", defaultValue = "0", description = "packed tokens to skip first")
    long skip;

    @Option(names = "--seq-len", description = "window length (default: the model's sequence_len)")
    Integer seqLen;

    @Option(names = "--batch", defaultValue = "8", description = "windows per forward")
    int batch;

    @Option(names = "--out", required = true, description = "output .safetensors")
    Path out;

    static final long MAX_FLOATS = Integer.MAX_VALUE - 8;

    @Override
    public Integer call() throws Exception {
        HookPoint h = HookPoint.parse(hook);
        if (corpus != null && !Files.exists(corpus))
            throw new IllegalArgumentException("--corpus " + corpus + " does not exist");
        if (skip < 0) throw new IllegalArgumentException("--skip-tokens must be >= 0, got " + skip);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        ModelCheckpoint ref = checkpoint.resolve();
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            h.validate(gpt.config());
            int len = seqLen != null ? seqLen : gpt.config().sequenceLen();
            if (len < 1 || len > gpt.config().sequenceLen())
                throw new IllegalArgumentException(
                        "--seq-len must be in 1.." + gpt.config().sequenceLen() + ", got " + len);
            int windows = (int) Math.min(Integer.MAX_VALUE, tokens / len);
            if (windows < 1) throw new IllegalArgumentException("--tokens must be >= --seq-len (" + len + ")");
            int d = gpt.config().nEmbd();
            long rows = (long) windows * len;
            if (rows * d > MAX_FLOATS)
                throw new IllegalArgumentException("--tokens " + tokens + " × d " + d + " exceeds one file of "
                        + MAX_FLOATS + " floats; write several files with --skip-tokens");
            float[] act = new float[(int) (rows * d)];
            long[] ids = new long[(int) rows];
            Corpus docs = corpus != null ? Corpus.of(corpus) : DefaultCorpus.open(SaeHome.resolve());
            try (CorpusReader reader = docs.open();
                    ProgressBar bar = ProgressBar.onStderr("activations", rows, "tok")) {
                TokenStream stream = new TokenStream(reader, tok);
                for (long s = 0; s < skip; s++) stream.next();
                int[][] chunk = new int[Math.min(batch, windows)][len];
                for (int w = 0; w < windows; ) {
                    int n = Math.min(chunk.length, windows - w);
                    int[][] in = n == chunk.length ? chunk : new int[n][len];
                    for (int[] win : in) for (int t = 0; t < len; t++) win[t] = stream.next();
                    float[] a = gpt.forward(in, ForwardOptions.captureOnly(Set.of(h)))
                            .activations(h);
                    System.arraycopy(a, 0, act, w * len * d, a.length);
                    for (int i = 0; i < n; i++) for (int t = 0; t < len; t++) ids[(w + i) * len + t] = in[i][t];
                    w += n;
                    bar.update((long) w * len);
                }
            }
            new Safetensors.Writer()
                    .metadata("model_id", ref.modelId())
                    .metadata("hook_name", h.name())
                    .metadata("context_size", Integer.toString(len))
                    .metadata("skip_tokens", Long.toString(skip))
                    .f32("activations", new long[] {rows, d}, act)
                    .i64("input_ids", new long[] {rows}, ids)
                    .write(out);
            System.out.printf("wrote %s: activations [%d,%d] at %s of %s%n", out, rows, d, h.name(), ref.modelId());
        }
        return 0;
    }

    /** Packed tokens: <|bos|> + each document's ordinary tokens, documents back to back. */
    private static final class TokenStream {
        private final CorpusReader reader;
        private final Tokenizer tok;
        private int[] doc = new int[0];
        private int pos;

        TokenStream(CorpusReader reader, Tokenizer tok) {
            this.reader = reader;
            this.tok = tok;
        }

        int next() {
            while (pos == doc.length) {
                Document d = reader.next();
                if (d == null) throw new IllegalArgumentException("the corpus ran out of text before --tokens");
                int[] t = tok.encodeOrdinary(d.text());
                doc = new int[t.length + 1];
                doc[0] = tok.bosId();
                System.arraycopy(t, 0, doc, 1, t.length);
                pos = 0;
            }
            return doc[pos++];
        }
    }
}
