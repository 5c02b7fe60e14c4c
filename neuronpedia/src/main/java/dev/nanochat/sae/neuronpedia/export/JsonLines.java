package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One JSON object per line, plain or gzip ({@code .gz} suffix). Neuronpedia's import breaks on an
 * empty file, so writing zero rows is refused rather than producing one.
 */
public final class JsonLines {
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private JsonLines() {}

    public static void write(Path file, List<?> rows) {
        if (rows.isEmpty())
            throw new IllegalArgumentException(
                    file.getFileName() + ": refusing to write an empty file (Neuronpedia's import breaks on it)");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream raw = Files.newOutputStream(file);
                    OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
                for (Object row : rows) {
                    out.write(JSON.writeValueAsBytes(row));
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    public static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isEmpty()) out.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
