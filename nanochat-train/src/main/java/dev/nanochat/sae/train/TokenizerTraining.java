package dev.nanochat.sae.train;

import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.Document;
import java.util.function.Predicate;

/**
 * Feeds a corpus into {@link BpeTrainer}: the first {@code maxChars} characters of documents
 * (nanochat trains its tokenizer on the first ~2B characters for the same reason: counts of
 * distinct chunks saturate long before the corpus ends).
 */
public final class TokenizerTraining {
    private TokenizerTraining() {}

    public record Result(BpeVocabulary vocabulary, long chars, long documents, int distinctChunks, double seconds) {}

    public static Result train(CorpusReader docs, Predicate<Document> keep, long maxChars, int vocabSize) {
        long start = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer();
        long documents = 0;
        for (Document d; trainer.chars() < maxChars && (d = docs.next()) != null; ) {
            if (!keep.test(d)) continue;
            documents++;
            String text = d.text();
            long room = maxChars - trainer.chars();
            trainer.add(text.length() > room ? text.substring(0, (int) room) : text);
        }
        BpeVocabulary vocab = trainer.train(vocabSize);
        return new Result(
                vocab, trainer.chars(), documents, trainer.distinctChunks(), (System.nanoTime() - start) / 1e9);
    }
}
