package dev.nanochat.sae.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Byte-level BPE training the way nanochat's rustbpe does it.
 *
 * Design: text is split with nanochat's regex and only the distinct chunks are kept, with their
 * counts (natural text has ~50× fewer distinct chunks than chunks). Pair counts are weighted by
 * chunk count and live in a max-heap with lazy invalidation: a popped pair whose stored count is
 * stale is re-pushed with its current count. A merge rewrites only the chunks listed for that pair
 * and adjusts the counts of the neighbouring pairs incrementally, so a merge costs
 * O(occurrences), not O(corpus). Ties go to the smaller (left id, right id) pair, like rustbpe.
 *
 * One deviation: if a merge would produce bytes that are already a token (reachable by two
 * different pair paths, very rare), the chunks are rewritten to that existing token and no new
 * rank is allocated, so {@code mergeable_ranks} stays a bijection as tiktoken requires.
 */
public final class BpeTrainer {
    private final Map<String, long[]> chunkCounts = new HashMap<>();
    private long chars;

    /** Splits text into regex chunks and counts them. */
    public void add(String text) {
        Matcher m = SplitPattern.COMPILED.matcher(text);
        while (m.find()) chunkCounts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
        chars += text.length();
    }

    public long chars() {
        return chars;
    }

    public int distinctChunks() {
        return chunkCounts.size();
    }

    /** Learns merges until ranks + specials = vocabSize. */
    public BpeVocabulary train(int vocabSize) {
        int specials = SplitPattern.SPECIAL_TOKENS.size();
        int targetRanks = vocabSize - specials;
        if (targetRanks < 256) {
            throw new IllegalArgumentException(
                    "vocab size " + vocabSize + " is below 256 bytes + " + specials + " special tokens");
        }
        return new Merger(targetRanks).run();
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** The mutable state of one training run. */
    private final class Merger {
        private final int targetRanks;
        private final int[][] words;
        private final int[] lengths;
        private final long[] counts;
        private final int[] stamp;
        private final Map<Long, long[]> pairCounts = new HashMap<>();
        private final Map<Long, IntList> where = new HashMap<>();
        private final PriorityQueue<long[]> heap =
                new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        private final List<byte[]> tokens = new ArrayList<>();
        private final Map<String, Integer> idOfBytes = new HashMap<>();
        private final Set<Long> grown = new HashSet<>();

        Merger(int targetRanks) {
            this.targetRanks = targetRanks;
            int n = chunkCounts.size();
            words = new int[n][];
            lengths = new int[n];
            counts = new long[n];
            stamp = new int[n];
            Arrays.fill(stamp, -1);
            int i = 0;
            for (Map.Entry<String, long[]> e : chunkCounts.entrySet()) {
                byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
                int[] w = new int[b.length];
                for (int j = 0; j < b.length; j++) w[j] = b[j] & 0xff;
                words[i] = w;
                lengths[i] = w.length;
                counts[i] = e.getValue()[0];
                i++;
            }
            for (int b = 0; b < 256; b++) {
                tokens.add(new byte[] {(byte) b});
                idOfBytes.put(key(tokens.get(b)), b);
            }
        }

        BpeVocabulary run() {
            for (int w = 0; w < words.length; w++) {
                for (int j = 0; j + 1 < lengths[w]; j++) add(pair(words[w][j], words[w][j + 1]), counts[w], w);
            }
            for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) heap.add(new long[] {e.getValue()[0], e.getKey()});
            List<Long> mergeCounts = new ArrayList<>();
            int mergeNo = 0;
            while (tokens.size() < targetRanks) {
                long[] top = heap.poll();
                if (top == null) {
                    throw new IllegalStateException("corpus too small: no pairs left after " + (tokens.size() - 256)
                            + " merges, " + (targetRanks - 256) + " needed for the requested vocabulary");
                }
                long[] current = pairCounts.get(top[1]);
                long now = current == null ? 0 : current[0];
                if (now != top[0]) {
                    if (now > 0) heap.add(new long[] {now, top[1]});
                    continue;
                }
                int a = (int) (top[1] >>> 32), b = (int) top[1];
                byte[] merged = concat(tokens.get(a), tokens.get(b));
                Integer existing = idOfBytes.get(key(merged));
                int id = existing != null ? existing : tokens.size();
                if (existing == null) {
                    tokens.add(merged);
                    idOfBytes.put(key(merged), id);
                    mergeCounts.add(now);
                }
                merge(a, b, id, mergeNo++);
            }
            long[] mc = mergeCounts.stream().mapToLong(Long::longValue).toArray();
            return new BpeVocabulary(tokens, mc, SplitPattern.PATTERN, SplitPattern.SPECIAL_TOKENS);
        }

        /** Replaces every (a, b) in the chunks that hold it by id, updating neighbouring pair counts. */
        private void merge(int a, int b, int id, int mergeNo) {
            long merged = pair(a, b);
            IntList list = where.remove(merged);
            pairCounts.remove(merged);
            grown.clear();
            for (int k = 0; k < list.size; k++) {
                int w = list.data[k];
                if (stamp[w] == mergeNo) continue;
                stamp[w] = mergeNo;
                int[] word = words[w];
                int n = lengths[w], out = 0, i = 0;
                long c = counts[w];
                while (i < n) {
                    if (i + 1 < n && word[i] == a && word[i + 1] == b) {
                        if (out > 0) {
                            add(pair(word[out - 1], a), -c, -1);
                            add(pair(word[out - 1], id), c, w);
                        }
                        if (i + 2 < n) {
                            add(pair(b, word[i + 2]), -c, -1);
                            add(pair(id, word[i + 2]), c, w);
                        }
                        word[out++] = id;
                        i += 2;
                    } else {
                        word[out++] = word[i++];
                    }
                }
                lengths[w] = out;
            }
            pairCounts.remove(merged);
            for (long p : grown) {
                long[] cnt = pairCounts.get(p);
                if (cnt != null && cnt[0] > 0) heap.add(new long[] {cnt[0], p});
            }
        }

        private void add(long p, long delta, int word) {
            long[] cnt = pairCounts.computeIfAbsent(p, k -> new long[1]);
            cnt[0] += delta;
            if (delta > 0) {
                where.computeIfAbsent(p, k -> new IntList()).add(word);
                grown.add(p);
            }
        }
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    /** A growable int array: chunk indices per pair, without boxing. */
    private static final class IntList {
        int[] data = new int[4];
        int size;

        void add(int v) {
            if (size > 0 && data[size - 1] == v) return;
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }
    }
}
