package dev.nanochat.sae.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Plain text with one document per paragraph: runs of non-blank lines separated by one or more
 * blank (whitespace-only) lines. Lines inside a paragraph are joined with '\n'.
 */
final class ByteParagraphs implements RawDocumentSource {
    private final ByteLines lines;

    ByteParagraphs(ByteLines lines) {
        this.lines = lines;
    }

    @Override
    public byte[] next() throws IOException {
        ByteArrayOutputStream para = new ByteArrayOutputStream(4096);
        byte[] line;
        while ((line = lines.next()) != null) {
            if (isBlank(line)) {
                if (para.size() > 0) break;
                continue;
            }
            if (para.size() > 0) para.write('\n');
            para.write(line);
        }
        return para.size() == 0 ? null : para.toByteArray();
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) if (b != ' ' && b != '\t' && b != '\r' && b != '\f') return false;
        return true;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
