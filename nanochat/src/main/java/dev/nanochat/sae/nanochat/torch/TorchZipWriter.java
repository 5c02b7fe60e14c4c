package dev.nanochat.sae.nanochat.torch;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The zip dialect of torch's PyTorchStreamWriter (miniz): stored entries, version 0, flags 0x0808,
 * zero timestamps, an `FB` extra field padding every payload to a 64-byte boundary (so torch can
 * mmap storages), a 16-byte data descriptor after each payload, a central directory without
 * extras, then the zip64 end record, its locator and the classic end record. Written to a sibling
 * temp file and renamed into place on {@link #commit()}, so a crash never leaves a half checkpoint.
 */
final class TorchZipWriter implements AutoCloseable {
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 20;

    private record Entry(String name, long offset, long crc, long size) {}

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private final List<Entry> entries = new ArrayList<>();
    private long cursor;
    private boolean committed;

    private TorchZipWriter(Path target) throws IOException {
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), CHUNK);
    }

    static TorchZipWriter create(Path target) throws IOException {
        return new TorchZipWriter(target);
    }

    void entry(String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        long offset = localHeader(name);
        write(data);
        finishEntry(name, offset, crc.getValue(), data.length);
    }

    /** A storage's little-endian bytes, converted chunk by chunk (bf16/half rounded here). */
    void storageEntry(String name, TorchTensor t) throws IOException {
        long offset = localHeader(name);
        CRC32 crc = new CRC32();
        int elem = t.type().elementSize();
        long n = t.numel();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            switch (t.type()) {
                case FLOAT -> buf.putFloat(t.floats()[(int) i]);
                case BFLOAT16 -> buf.putShort(Bf16.fromFloat(t.floats()[(int) i]));
                case HALF -> buf.putShort(Bf16.floatToHalf(t.floats()[(int) i]));
                case DOUBLE -> buf.putDouble(t.floats()[(int) i]);
                case INT -> buf.putInt(t.ints()[(int) i]);
                case LONG -> buf.putLong(t.ints()[(int) i]);
            }
            if (buf.remaining() < 8) flush(buf, crc);
        }
        flush(buf, crc);
        finishEntry(name, offset, crc.getValue(), n * elem);
    }

    private void flush(ByteBuffer buf, CRC32 crc) throws IOException {
        crc.update(buf.array(), 0, buf.position());
        write(buf.array(), buf.position());
        buf.clear();
    }

    private long localHeader(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long offset = cursor;
        long start = cursor + 30 + nameBytes.length + 4;
        int pad = (int) ((ALIGN - start % ALIGN) % ALIGN);
        ByteBuffer h = le(30 + nameBytes.length + 4 + pad);
        h.putInt(0x04034b50)
                .putShort((short) 0)
                .putShort((short) 0x0808)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putShort((short) nameBytes.length)
                .putShort((short) (4 + pad))
                .put(nameBytes)
                .put((byte) 'F')
                .put((byte) 'B')
                .putShort((short) pad);
        for (int i = 0; i < pad; i++) h.put((byte) 'Z');
        write(h.array());
        return offset;
    }

    private void finishEntry(String name, long offset, long crc, long size) throws IOException {
        if (size >= 0xffffffffL || cursor >= 0xffffffffL) {
            throw new IOException("entry '" + name + "' passes 4 GiB; zip64 entries are not supported by this writer");
        }
        write(le(16).putInt(0x08074b50)
                .putInt((int) crc)
                .putInt((int) size)
                .putInt((int) size)
                .array());
        entries.add(new Entry(name, offset, crc, size));
    }

    void commit() throws IOException {
        long cdStart = cursor;
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] nameBytes = e.name().getBytes(StandardCharsets.UTF_8);
            cd.writeBytes(le(46).putInt(0x02014b50)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0x0808)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt((int) e.crc())
                    .putInt((int) e.size())
                    .putInt((int) e.size())
                    .putShort((short) nameBytes.length)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt((int) e.offset())
                    .array());
            cd.writeBytes(nameBytes);
        }
        write(cd.toByteArray());
        long zip64End = cursor;
        int n = entries.size();
        write(le(56).putInt(0x06064b50)
                .putLong(44)
                .putShort((short) 0x031e)
                .putShort((short) 0x002d)
                .putInt(0)
                .putInt(0)
                .putLong(n)
                .putLong(n)
                .putLong(cd.size())
                .putLong(cdStart)
                .array());
        write(le(20).putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1).array());
        write(le(22).putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) n)
                .putShort((short) n)
                .putInt(cd.size())
                .putInt((int) cdStart)
                .putShort((short) 0)
                .array());
        out.flush();
        channel.force(true);
        out.close();
        FileModes.worldReadable(temp);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    private void write(byte[] b) throws IOException {
        write(b, b.length);
    }

    private void write(byte[] b, int len) throws IOException {
        out.write(b, 0, len);
        cursor += len;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            out.close();
            Files.deleteIfExists(temp);
        }
    }
}
