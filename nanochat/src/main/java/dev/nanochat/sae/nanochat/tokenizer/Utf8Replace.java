package dev.nanochat.sae.nanochat.tokenizer;

/**
 * UTF-8 → String with U+FFFD for every maximal invalid subpart, exactly as Python's
 * `bytes.decode("utf-8", "replace")` (which tiktoken's decode uses). Java's own decoder differs on
 * encoded surrogates (ED A0 80 → one U+FFFD in Java, three in Python), hence this small decoder.
 */
public final class Utf8Replace {
    private static final char REPLACEMENT = '\uFFFD';

    private Utf8Replace() {}

    public static String decode(byte[] b) {
        StringBuilder out = new StringBuilder(b.length);
        int i = 0, n = b.length;
        while (i < n) {
            int lead = b[i] & 0xff;
            if (lead < 0x80) {
                out.append((char) lead);
                i++;
                continue;
            }
            int need, lo = 0x80, hi = 0xbf;
            if (lead >= 0xc2 && lead <= 0xdf) {
                need = 1;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                need = 2;
                if (lead == 0xe0) lo = 0xa0;
                if (lead == 0xed) hi = 0x9f;
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                need = 3;
                if (lead == 0xf0) lo = 0x90;
                if (lead == 0xf4) hi = 0x8f;
            } else {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int cp = lead & (0x3f >> need);
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= n) {
                    ok = false;
                    break;
                }
                int c = b[j] & 0xff;
                int min = k == 0 ? lo : 0x80, max = k == 0 ? hi : 0xbf;
                if (c < min || c > max) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (c & 0x3f);
            }
            if (!ok) {
                out.append(REPLACEMENT);
                i = j;
                continue;
            }
            out.appendCodePoint(cp);
            i = j;
        }
        return out.toString();
    }
}
