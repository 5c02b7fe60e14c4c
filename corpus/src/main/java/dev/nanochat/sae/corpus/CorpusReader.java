package dev.nanochat.sae.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a corpus' documents in order across its files, remembering where it is.
 *
 * Each file is a sequence of slots (lines, paragraphs, parquet rows). A slot becomes a
 * {@link Document} unless it is blank, not valid UTF-8 (strict decoding: no replacement
 * characters ever reach a tokenizer), or malformed for its format; skipped slots are counted in
 * {@link #stats()} and still advance the slot counter, so ids and positions never shift.
 * Not thread-safe; I/O errors surface as {@link UncheckedIOException} naming the file.
 */
public final class CorpusReader implements AutoCloseable {
    private final List<Path> files;
    private final CorpusFormat format;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int fileIndex;
    private long slot;
    private RawDocumentSource source;
    private long documents, empty, invalidUtf8, malformed, textBytes;

    CorpusReader(List<Path> files, CorpusFormat format, CorpusPosition start) {
        this.files = files;
        this.format = format;
        if (start.fileIndex() > files.size()) {
            throw new IllegalArgumentException(
                    "corpus position " + start.encode() + " is past the last of " + files.size() + " files");
        }
        this.fileIndex = start.fileIndex();
        if (start.slot() > 0) {
            if (fileIndex == files.size())
                throw new IllegalArgumentException("corpus position " + start.encode()
                        + " has slots in a file that does not exist (" + files.size() + " files)");
            openCurrent();
            long skipped = io(() -> source.skip(start.slot()));
            if (skipped < start.slot()) {
                throw new IllegalArgumentException("cannot resume at " + start.encode() + ": " + files.get(fileIndex)
                        + " has only " + skipped + " document slots");
            }
            slot = skipped;
        }
    }

    /** The next document, or null when the corpus is exhausted. */
    public Document next() {
        while (fileIndex < files.size()) {
            if (source == null) openCurrent();
            byte[] raw = io(source::next);
            if (raw == null) {
                closeCurrent();
                fileIndex++;
                slot = 0;
                continue;
            }
            long thisSlot = slot++;
            String decoded = decode(raw);
            if (decoded == null) {
                invalidUtf8++;
                continue;
            }
            String text = format.extract(decoded);
            if (text == null) {
                malformed++;
            } else if (text.isBlank()) {
                empty++;
            } else {
                documents++;
                textBytes += raw.length;
                return new Document(
                        files.get(fileIndex).getFileName() + ":" + thisSlot, Document.key(fileIndex, thisSlot), text);
            }
        }
        return null;
    }

    /** Where a new reader must start to continue exactly after the last document returned. */
    public CorpusPosition position() {
        return new CorpusPosition(fileIndex, slot);
    }

    public CorpusStats stats() {
        return new CorpusStats(documents, empty, invalidUtf8, malformed, textBytes);
    }

    /** The file the reader is in (or was in last), for messages. */
    public Path currentFile() {
        return files.get(Math.min(fileIndex, files.size() - 1));
    }

    @Override
    public void close() {
        closeCurrent();
    }

    private String decode(byte[] raw) {
        try {
            return utf8.decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void openCurrent() {
        source = io(() -> format.open(files.get(fileIndex)));
    }

    private void closeCurrent() {
        if (source == null) return;
        RawDocumentSource s = source;
        source = null;
        io(() -> {
            s.close();
            return null;
        });
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> T io(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException("reading corpus file " + currentFile() + ": " + e.getMessage(), e);
        }
    }
}
