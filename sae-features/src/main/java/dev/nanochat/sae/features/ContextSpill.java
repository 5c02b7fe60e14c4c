package dev.nanochat.sae.features;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Every analysed context window, spilled to a temporary file as tokens plus sparse codes, so example
 * windows can be rebuilt after the single pass without keeping activations in memory.
 *
 * <p>Design: the pass only learns at its end which windows are examples of which latent, and a window's
 * per-token values for a latent are its sparse codes at that latent. Codes are small (L0 entries per
 * token) and go to disk; memory holds one file offset per window (8 bytes per ~100 tokens). Layout per
 * window (big-endian): len, sequence, firstRow, docId, tokens[len], rowPtr[len+1],
 * indices[nnz], values[nnz]. The file is deleted on close.
 */
final class ContextSpill implements AutoCloseable {
    /** One window read back: its provenance, tokens and CSR codes (row = position in the window). */
    record Window(long sequence, int firstRow, long docId, int[] tokens, int[] rowPtr, int[] indices, float[] values) {
        /** The latent's value at every position (0 where it did not fire). */
        float[] valuesOf(int latent) {
            float[] out = new float[tokens.length];
            for (int p = 0; p < tokens.length; p++) {
                for (int j = rowPtr[p]; j < rowPtr[p + 1]; j++) {
                    if (indices[j] == latent) {
                        out[p] = values[j];
                    }
                }
            }
            return out;
        }
    }

    private final Path file;
    private final BufferedOutputStream out;
    /** The window being written, big-endian as {@link #read} expects (heap ByteBuffers default to it). */
    private ByteBuffer scratch = ByteBuffer.allocate(1 << 16);

    private long written;
    private long[] offsets = new long[1024];
    private int windows;
    private FileChannel reader;

    ContextSpill(Path dir) {
        try {
            file = Files.createTempFile(dir, "sae-features-", ".spill");
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the context spill file in " + dir, e);
        }
    }

    int windows() {
        return windows;
    }

    /** Appends a window; rows [from, to) of the batch, codes in CSR over those rows. Returns its index. */
    int append(
            long sequence,
            int firstRow,
            long docId,
            int[] tokens,
            int from,
            int to,
            int[] rowPtr,
            int[] indices,
            float[] values) {
        if (windows == offsets.length) {
            offsets = Arrays.copyOf(offsets, windows * 2);
        }
        offsets[windows] = written;
        int len = to - from;
        int base = rowPtr[from];
        int nnz = rowPtr[to] - base;
        // One bulk write per window: DataOutputStream would make four synchronized byte writes per int.
        int bytes = 4 + 8 + 4 + 8 + 4 * len + 4 * (len + 1) + 8 * nnz;
        if (scratch.capacity() < bytes) scratch = ByteBuffer.allocate(Math.max(bytes, 2 * scratch.capacity()));
        ByteBuffer b = scratch.clear();
        b.putInt(len).putLong(sequence).putInt(firstRow).putLong(docId);
        for (int r = from; r < to; r++) b.putInt(tokens[r]);
        for (int r = from; r <= to; r++) b.putInt(rowPtr[r] - base);
        for (int j = base; j < base + nnz; j++) b.putInt(indices[j]);
        for (int j = base; j < base + nnz; j++) b.putFloat(values[j]);
        try {
            out.write(b.array(), 0, b.position());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the context spill file " + file, e);
        }
        written += 4 + 8 + 4 + 8 + 4L * len + 4L * (len + 1) + 8L * nnz;
        return windows++;
    }

    /** Reads window {@code w} back (after the pass: the first read flushes the writer). */
    synchronized Window read(int w) {
        try {
            if (reader == null) {
                out.flush();
                reader = FileChannel.open(file, StandardOpenOption.READ);
            }
            long start = offsets[w];
            long end = w + 1 < windows ? offsets[w + 1] : written;
            ByteBuffer buf = ByteBuffer.allocate((int) (end - start)).order(ByteOrder.BIG_ENDIAN);
            while (buf.hasRemaining()) {
                if (reader.read(buf, start + buf.position()) < 0) {
                    throw new IOException("spill file ends early at window " + w);
                }
            }
            buf.flip();
            int len = buf.getInt();
            long seq = buf.getLong();
            int firstRow = buf.getInt();
            long doc = buf.getLong();
            int[] tokens = new int[len];
            for (int i = 0; i < len; i++) tokens[i] = buf.getInt();
            int[] rowPtr = new int[len + 1];
            for (int i = 0; i <= len; i++) rowPtr[i] = buf.getInt();
            int nnz = rowPtr[len];
            int[] idx = new int[nnz];
            for (int i = 0; i < nnz; i++) idx[i] = buf.getInt();
            float[] val = new float[nnz];
            for (int i = 0; i < nnz; i++) val[i] = buf.getFloat();
            return new Window(seq, firstRow, doc, tokens, rowPtr, idx, val);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read window " + w + " from " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
            if (reader != null) reader.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the context spill file " + file, e);
        }
    }
}
