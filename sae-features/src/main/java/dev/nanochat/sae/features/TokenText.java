package dev.nanochat.sae.features;

import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Token strings as Neuronpedia shows them: one decoded string per token id, built once per vocabulary.
 *
 * <p>Byte-level BPE splits multi-byte characters across tokens, so a token's bytes are not always valid
 * UTF-8 on their own. Such a token keeps its longest valid prefix as text and shows each dangling byte
 * as {@code <0xNN>} (the byte-fallback notation readers know from SentencePiece vocabularies): never
 * U+FFFD, which would make different tokens look alike, and never empty, which Neuronpedia rejects.
 * {@link #raw(int)} is the stored form (whitespace as is); {@link #visible(String)} is the display form
 * with spaces, newlines and tabs drawn and other control characters as {@code <0xNN>}.
 */
public final class TokenText {
    private final String[] table;

    public TokenText(String[] table) {
        this.table = table.clone();
    }

    /** The table of every id in the tokenizer's vocabulary (special tokens as their text). */
    public static TokenText of(Tokenizer tokenizer) {
        String[] t = new String[tokenizer.vocabSize()];
        for (int id = 0; id < t.length; id++) {
            t[id] = fromBytes(tokenizer.tokenBytes(id));
        }
        return new TokenText(t);
    }

    /** A token's text: UTF-8 where valid, {@code <0xNN>} per byte of an incomplete sequence. */
    public static String fromBytes(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < bytes.length) {
            int len = sequenceLength(bytes[i] & 0xFF);
            String ch = len > 0 && i + len <= bytes.length ? strict(bytes, i, len) : null;
            if (ch != null) {
                out.append(ch);
                i += len;
            } else {
                out.append(String.format("<0x%02X>", bytes[i] & 0xFF));
                i++;
            }
        }
        return out.length() == 0 ? "<empty>" : out.toString();
    }

    private static int sequenceLength(int lead) {
        if (lead < 0x80) return 1;
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    private static String strict(byte[] b, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Display strings for a whole window: a character whose UTF-8 bytes are split over consecutive tokens
     * (shown alone as {@code <0xNN>} pieces) is drawn once, on the token holding its last byte; the tokens
     * holding its first bytes show what else they have (possibly nothing). Bytes that never complete a
     * character keep their {@code <0xNN>} form. Input: the stored strings of {@link #raw}.
     */
    public static List<String> joinPartial(List<String> tokens) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        List<Integer> owner = new java.util.ArrayList<>();
        for (int t = 0; t < tokens.size(); t++) {
            byte[] b = toBytes(tokens.get(t));
            bytes.writeBytes(b);
            for (int i = 0; i < b.length; i++) owner.add(t);
        }
        byte[] all = bytes.toByteArray();
        StringBuilder[] out = new StringBuilder[tokens.size()];
        for (int t = 0; t < out.length; t++) out[t] = new StringBuilder();
        int p = 0;
        while (p < all.length) {
            int len = sequenceLength(all[p] & 0xFF);
            String ch = len > 0 && p + len <= all.length ? strict(all, p, len) : null;
            if (ch != null) {
                out[owner.get(p + len - 1)].append(ch);
                p += len;
            } else {
                out[owner.get(p)].append(String.format("<0x%02X>", all[p] & 0xFF));
                p++;
            }
        }
        List<String> result = new java.util.ArrayList<>(out.length);
        for (StringBuilder sb : out) result.add(sb.toString());
        return result;
    }

    /** Inverse of {@link #fromBytes}: text as UTF-8, each {@code <0xNN>} as its byte. */
    static byte[] toBytes(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("<0x", i)
                    && i + 6 <= s.length()
                    && s.charAt(i + 5) == '>'
                    && isHex(s.charAt(i + 3))
                    && isHex(s.charAt(i + 4))) {
                out.write(Integer.parseInt(s.substring(i + 3, i + 5), 16));
                i += 6;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    public int vocabSize() {
        return table.length;
    }

    /** The stored string of a token id. */
    public String raw(int id) {
        if (id < 0 || id >= table.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + table.length);
        }
        return table[id];
    }

    /** Display form: space as ·, newline as ↵, tab as ⇥, CR as ␍, other controls as {@code <0xNN>}. */
    public static String visible(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            switch (c) {
                case ' ' -> sb.append('·');
                case '\n' -> sb.append('↵');
                case '\t' -> sb.append('⇥');
                case '\r' -> sb.append('␍');
                default -> {
                    // Other control characters would draw as boxes (or nothing): show their code.
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) sb.append(String.format("<0x%02X>", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
