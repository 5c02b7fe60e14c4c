package dev.nanochat.sae.train;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Test oracle: tiktoken's encode_ordinary written the obvious way (split with the regex; per
 * chunk, repeatedly merge the adjacent pair whose concatenation has the lowest rank, leftmost on
 * ties). Slow and simple on purpose.
 */
final class NaiveTiktokenEncoder {
    private final BpeVocabulary vocab;
    private final Map<String, Integer> rank = new HashMap<>();

    NaiveTiktokenEncoder(BpeVocabulary vocab) {
        this.vocab = vocab;
        for (int r = 0; r < vocab.tokens().size(); r++)
            rank.put(key(vocab.tokens().get(r)), r);
    }

    List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = SplitPattern.COMPILED.matcher(text);
        while (m.find()) {
            List<byte[]> parts = new ArrayList<>();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) parts.add(new byte[] {b});
            while (parts.size() > 1) {
                int best = -1, bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer r = rank.get(key(concat(parts.get(i), parts.get(i + 1))));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) break;
                parts.set(best, concat(parts.get(best), parts.get(best + 1)));
                parts.remove(best + 1);
            }
            for (byte[] p : parts) ids.add(rank.get(key(p)));
        }
        return ids;
    }

    String decode(List<Integer> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(vocab.tokens().get(id));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
