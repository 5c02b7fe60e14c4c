package dev.nanochat.sae.corpus;

import java.io.Closeable;
import java.io.IOException;

/** The undecoded document slots of one file, in order: bytes of a line, a paragraph, a parquet cell. */
interface RawDocumentSource extends Closeable {
    /** The next slot's bytes, or null at end of file. */
    byte[] next() throws IOException;

    /** Skips up to n slots (cheaper than reading them where the format allows); returns how many. */
    default long skip(long n) throws IOException {
        long done = 0;
        while (done < n && next() != null) done++;
        return done;
    }
}
