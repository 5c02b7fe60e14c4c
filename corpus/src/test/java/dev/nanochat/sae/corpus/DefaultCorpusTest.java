package dev.nanochat.sae.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultCorpusTest {
    @TempDir
    Path home;

    @Test
    void extractsOnceAndReadsEveryEuroparlDocument() throws Exception {
        Path file = DefaultCorpus.ensure(home);
        assertEquals(home.resolve("corpus").resolve(DefaultCorpus.FILE_NAME), file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        assertEquals(file, DefaultCorpus.ensure(home));
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis(), "second call reuses the cache");

        Set<String> ids = new HashSet<>();
        try (CorpusReader r = DefaultCorpus.open(home).open()) {
            Document first = r.next();
            assertTrue(
                    first.text().startsWith("Istituzioni europee proteggerlo in tutti i campi."),
                    first.text().substring(0, 40));
            ids.add(first.id());
            for (Document d; (d = r.next()) != null; ) ids.add(d.id());
            assertEquals(DefaultCorpus.DOCUMENTS, r.stats().documents());
            assertEquals(0, r.stats().skipped());
            assertTrue(r.stats().textBytes() > 20_000_000L);
        }
        assertEquals(DefaultCorpus.DOCUMENTS, ids.size());
    }
}
