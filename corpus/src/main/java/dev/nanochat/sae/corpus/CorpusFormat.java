package dev.nanochat.sae.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a file is cut into documents and how a document's text is taken from its slot.
 *
 * <ul>
 *   <li>{@link #LINES}: plain text, one document per line (the default for {@code .txt}: corpora
 *       dumped one document per line are far more common than paragraph-structured text).</li>
 *   <li>{@link #PARAGRAPHS}: plain text, one document per blank-line-separated paragraph.</li>
 *   <li>{@link #LINEDOC}: Lucene's line-doc format, {@code title TAB date TAB body} per line; the
 *       document is the body (the europarl default corpus).</li>
 *   <li>{@link #JSONL}: one JSON object per line, document = its string field {@code text}.</li>
 *   <li>{@link #PARQUET}: column {@code text} of each row (nanochat's {@code base_data} shards).</li>
 * </ul>
 * All plain-text formats accept gzip transparently.
 */
public enum CorpusFormat {
    LINES,
    PARAGRAPHS,
    LINEDOC,
    JSONL,
    PARQUET;

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TEXT_FIELD = "text";

    /** Guesses the format from the file name; {@code .txt} means {@link #LINES}. */
    public static CorpusFormat detect(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) name = name.substring(0, name.length() - 3);
        if (name.endsWith(".parquet")) return PARQUET;
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) return JSONL;
        if (name.endsWith(".lines.txt")) return LINEDOC;
        if (name.endsWith(".txt") || name.endsWith(".text")) return LINES;
        throw new IllegalArgumentException("cannot tell the corpus format of " + file
                + " (known: .txt, .lines.txt, .jsonl, .parquet, each optionally .gz); pass a format");
    }

    public static CorpusFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown corpus format '" + name + "'; known: "
                    + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    RawDocumentSource open(Path file) throws IOException {
        return switch (this) {
            case PARQUET -> new ParquetTextColumn(file, TEXT_FIELD);
            case PARAGRAPHS -> new ByteParagraphs(new ByteLines(Inputs.open(file)));
            default -> new ByteLines(Inputs.open(file));
        };
    }

    /** The document text inside a decoded slot, or null when the slot is malformed for this format. */
    String extract(String slot) {
        switch (this) {
            case LINEDOC -> {
                int first = slot.indexOf('\t');
                int second = first < 0 ? -1 : slot.indexOf('\t', first + 1);
                return second < 0 ? null : slot.substring(second + 1);
            }
            case JSONL -> {
                if (slot.isBlank()) return "";
                try {
                    JsonNode node = JSON.readTree(slot);
                    JsonNode text = node == null ? null : node.get(TEXT_FIELD);
                    return text != null && text.isTextual() ? text.asText() : null;
                } catch (IOException e) {
                    return null;
                }
            }
            default -> {
                return slot;
            }
        }
    }
}
