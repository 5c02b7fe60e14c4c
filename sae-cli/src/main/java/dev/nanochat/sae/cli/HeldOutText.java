package dev.nanochat.sae.cli;

import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.Document;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Held-out token windows from real text, for `sae eval` in model mode (the model then runs on each
 * window to capture activations and to measure the spliced next-token loss).
 *
 * <p>Design: each document is tokenized as nanochat pretrains, {@code <|bos|>} + ordinary tokens, then
 * cut into consecutive windows of at most seqLen tokens; windows shorter than 2 tokens are dropped
 * (nothing to predict). Reading stops once the token budget is reached, so a large corpus is never read
 * past what the evaluation needs. A text file is one document; a corpus yields its documents in order.
 */
final class HeldOutText {
    private HeldOutText() {}

    /** The whole file as one document (strict UTF-8). */
    static List<int[]> fromTextFile(Path file, Tokenizer tok, int seqLen, long maxTokens) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read text file " + file, e);
        }
        if (text.isBlank()) throw new IllegalArgumentException(file + ": text file is empty");
        String[] once = {text};
        return windows(
                () -> {
                    String t = once[0];
                    once[0] = null;
                    return t;
                },
                tok,
                seqLen,
                maxTokens,
                file.toString());
    }

    /** Documents of a corpus (file or directory, format from the file name), in order. */
    static List<int[]> fromCorpus(Path corpus, Tokenizer tok, int seqLen, long maxTokens) {
        return fromCorpus(Corpus.of(corpus), tok, seqLen, maxTokens);
    }

    static List<int[]> fromCorpus(Corpus corpus, Tokenizer tok, int seqLen, long maxTokens) {
        try (CorpusReader reader = corpus.open()) {
            return windows(
                    () -> {
                        Document d = reader.next();
                        return d == null ? null : d.text();
                    },
                    tok,
                    seqLen,
                    maxTokens,
                    corpus.toString());
        }
    }

    /** Windows [≤ seqLen] from texts (null ends the stream) until maxTokens tokens are collected. */
    static List<int[]> windows(Supplier<String> texts, Tokenizer tok, int seqLen, long maxTokens, String source) {
        if (seqLen < 2) throw new IllegalArgumentException("--seq-len must be >= 2, got " + seqLen);
        if (maxTokens < 2) throw new IllegalArgumentException("--tokens must be >= 2, got " + maxTokens);
        List<int[]> out = new ArrayList<>();
        long used = 0;
        String text;
        while (used < maxTokens && (text = texts.get()) != null) {
            int[] ordinary = tok.encodeOrdinary(text);
            int[] ids = new int[ordinary.length + 1];
            ids[0] = tok.bosId();
            System.arraycopy(ordinary, 0, ids, 1, ordinary.length);
            for (int s = 0; s < ids.length && used < maxTokens; s += seqLen) {
                int end = (int) Math.min(Math.min(ids.length, s + (long) seqLen), s + (maxTokens - used));
                if (end - s < 2) break;
                out.add(Arrays.copyOfRange(ids, s, end));
                used += end - s;
            }
        }
        if (out.isEmpty())
            throw new IllegalArgumentException(source + ": no text to evaluate on (need a document of >= 1 token)");
        return out;
    }
}
