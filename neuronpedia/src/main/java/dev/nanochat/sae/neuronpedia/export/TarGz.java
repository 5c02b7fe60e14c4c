package dev.nanochat.sae.neuronpedia.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A POSIX ustar archive, gzip-compressed, of a directory's regular files under one top folder.
 *
 * <p>Design: ustar is 512-byte headers plus padded data and needs no library; names longer than 100
 * bytes use the 155-byte prefix field. Modification times are fixed to the package's creation time so
 * the same package archives to the same bytes.
 */
public final class TarGz {
    private TarGz() {}

    public static void write(Path dir, String topFolder, Path archive, long mtimeSeconds) {
        Path tmp = archive.resolveSibling(archive.getFileName() + ".part");
        try (OutputStream out =
                new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), 1 << 16)) {
            for (Path f : Checksums.files(dir)) {
                String name = topFolder + "/" + Checksums.relative(dir, f);
                long size = Files.size(f);
                out.write(header(name, size, mtimeSeconds));
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(out);
                }
                int pad = (int) ((512 - size % 512) % 512);
                out.write(new byte[pad]);
            }
            out.write(new byte[1024]); // two zero blocks end the archive
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + archive + ": " + e.getMessage(), e);
        }
        try {
            Files.move(
                    tmp,
                    archive,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] header(String name, long size, long mtime) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length <= 100) {
            System.arraycopy(n, 0, h, 0, n.length);
        } else {
            int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
            byte[] prefix = name.substring(0, Math.max(cut, 0)).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
            if (cut < 0 || prefix.length > 155 || rest.length > 100)
                throw new IllegalArgumentException("path too long for ustar: " + name);
            System.arraycopy(rest, 0, h, 0, rest.length);
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        octal(h, 148, 7, sum);
        return h;
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) throw new IllegalArgumentException("value " + v + " too large for a tar field");
        s = "0".repeat(len - 1 - s.length()) + s;
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }
}
