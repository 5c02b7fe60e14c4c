package dev.nanochat.sae.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bounded per-latent state of the streaming pass, stored as flat arrays over all latents (one object
 * per latent would cost more than the data). Each latent is only touched by the thread owning its stripe.
 *
 * <p>Design of the value grid: the interval groups and the activation histogram need the latent's max,
 * which is known only at the end. Each latent keeps {@code F} fine bins over [0, R) with R the smallest
 * power of two above every value seen; when a larger value arrives R doubles (as often as needed) and
 * bins merge pairwise. Because R is a power of two and bins split it evenly, bin edges are exact floats
 * and the final grid is the same whatever order values arrived in (R_final = 2^(exponent(max)+1)).
 * Per bin it keeps the exact count and a uniform sample: the K tokens of lowest pseudo-random priority
 * (a hash of latent and token location), and bottom-K of a union is the bottom-K of the parts' bottom-Ks,
 * so merges lose nothing. Interval groups are then unions of whole fine bins — an exact uniform sample of
 * each interval, reproducible by a naive oracle. The top group is a bounded min-heap on (value, location).
 * Memory per latent: topN·12 + F·(8 + K·20) bytes, independent of the token count.
 */
final class FeatureAccumulator {
    private final int n;
    private final int topN;
    private final int fine;
    private final int log2Fine;
    private final int k;
    private final long seed;

    final long[] count;
    final double[] sum;
    final float[] max;
    private final float[] topVal;
    private final long[] topLoc;
    private final int[] topSize;
    private final int[] gridExp;
    private final long[] binCount;
    private final float[] sVal;
    private final long[] sLoc;
    private final long[] sPrio;
    private final byte[] sSize;

    FeatureAccumulator(int dSae, AnalysisSettings s) {
        n = dSae;
        topN = s.topExamples();
        fine = s.fineBins();
        log2Fine = Integer.numberOfTrailingZeros(fine);
        k = s.examplesPerInterval();
        if (k > 127) throw new IllegalArgumentException("examplesPerInterval must be ≤ 127, got " + k);
        seed = s.seed();
        count = new long[n];
        sum = new double[n];
        max = new float[n];
        topVal = new float[n * topN];
        topLoc = new long[n * topN];
        topSize = new int[n];
        gridExp = new int[n];
        Arrays.fill(gridExp, Integer.MIN_VALUE);
        binCount = new long[(long) n * fine > Integer.MAX_VALUE ? fail(n) : n * fine];
        sVal = new float[n * fine * k];
        sLoc = new long[n * fine * k];
        sPrio = new long[n * fine * k];
        sSize = new byte[n * fine];
    }

    private static int fail(int n) {
        throw new IllegalArgumentException("too many latents for the value grid: " + n);
    }

    /** Token location: window index and position in it. */
    static long location(int window, int position) {
        return ((long) window << 20) | position;
    }

    static int window(long loc) {
        return (int) (loc >>> 20);
    }

    static int position(long loc) {
        return (int) (loc & 0xFFFFF);
    }

    /** Deterministic pseudo-random priority of (latent, token) — SplitMix64 of both. */
    static long priority(long seed, int latent, long loc) {
        long z = seed + 0x9E3779B97F4A7C15L * (loc + 1) + 0xBF58476D1CE4E5B9L * (latent + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Records value v > 0 of latent f at location loc. */
    void add(int f, float v, long loc) {
        count[f]++;
        sum[f] += v;
        if (v > max[f]) max[f] = v;
        addTop(f, v, loc);
        int e = Math.getExponent(v) + 1;
        if (gridExp[f] == Integer.MIN_VALUE) {
            gridExp[f] = e;
        } else if (e > gridExp[f]) {
            regrid(f, e);
        }
        int b = Math.min(fine - 1, (int) Math.scalb(v, log2Fine - gridExp[f]));
        binCount[f * fine + b]++;
        offerSample(f * fine + b, v, loc, priority(seed, f, loc));
    }

    /** Whether (v, loc) ranks above (w, m): larger value first, then earlier location. */
    private static boolean better(float v, long loc, float w, long m) {
        return v > w || (v == w && loc < m);
    }

    private void addTop(int f, float v, long loc) {
        int base = f * topN;
        int size = topSize[f];
        if (size < topN) {
            topVal[base + size] = v;
            topLoc[base + size] = loc;
            topSize[f] = size + 1;
            siftUp(base, size);
        } else if (better(v, loc, topVal[base], topLoc[base])) {
            topVal[base] = v;
            topLoc[base] = loc;
            siftDown(base, topN);
        }
    }

    // Min-heap by rank: the root is the worst kept example.
    private void siftUp(int base, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!better(topVal[base + p], topLoc[base + p], topVal[base + i], topLoc[base + i])) return;
            swap(base + p, base + i);
            i = p;
        }
    }

    private void siftDown(int base, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && better(topVal[base + worst], topLoc[base + worst], topVal[base + l], topLoc[base + l]))
                worst = l;
            if (r < size && better(topVal[base + worst], topLoc[base + worst], topVal[base + r], topLoc[base + r]))
                worst = r;
            if (worst == i) return;
            swap(base + i, base + worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float v = topVal[a];
        topVal[a] = topVal[b];
        topVal[b] = v;
        long l = topLoc[a];
        topLoc[a] = topLoc[b];
        topLoc[b] = l;
    }

    private void offerSample(int bin, float v, long loc, long prio) {
        int base = bin * k;
        int size = sSize[bin];
        if (size < k) {
            sVal[base + size] = v;
            sLoc[base + size] = loc;
            sPrio[base + size] = prio;
            sSize[bin] = (byte) (size + 1);
            return;
        }
        int worst = base;
        for (int j = base + 1; j < base + k; j++) if (sPrio[j] > sPrio[worst]) worst = j;
        if (prio < sPrio[worst]) {
            sVal[worst] = v;
            sLoc[worst] = loc;
            sPrio[worst] = prio;
        }
    }

    /** Doubles R until it is 2^e, merging fine bins pairwise (counts add, samples keep the bottom K). */
    private void regrid(int f, int e) {
        int shift = e - gridExp[f];
        gridExp[f] = e;
        int first = f * fine;
        long[] counts = Arrays.copyOfRange(binCount, first, first + fine);
        float[] vals = Arrays.copyOfRange(sVal, first * k, (first + fine) * k);
        long[] locs = Arrays.copyOfRange(sLoc, first * k, (first + fine) * k);
        long[] prios = Arrays.copyOfRange(sPrio, first * k, (first + fine) * k);
        byte[] sizes = Arrays.copyOfRange(sSize, first, first + fine);
        Arrays.fill(binCount, first, first + fine, 0);
        Arrays.fill(sSize, first, first + fine, (byte) 0);
        for (int b = 0; b < fine; b++) {
            int target = shift >= 31 ? 0 : b >> shift;
            binCount[first + target] += counts[b];
            for (int j = 0; j < sizes[b]; j++) {
                offerSample(first + target, vals[b * k + j], locs[b * k + j], prios[b * k + j]);
            }
        }
    }

    /** A chosen example before its window is read: location and the value it was chosen for. */
    record Pick(long loc, float value) {}

    /** Top examples, best first. */
    List<Pick> top(int f) {
        List<Pick> out = new ArrayList<>();
        for (int j = 0; j < topSize[f]; j++) out.add(new Pick(topLoc[f * topN + j], topVal[f * topN + j]));
        out.sort(
                (a, b) -> better(a.value, a.loc, b.value, b.loc) ? -1 : better(b.value, b.loc, a.value, a.loc) ? 1 : 0);
        return out;
    }

    /** One interval before its windows are read: fine-bin range [lo, hi), bounds, count, sample. */
    record Interval(double binMin, double binMax, long count, List<Pick> sample) {}

    /** Bin width R/F of latent f's final grid (0 for a dead latent). */
    double binWidth(int f) {
        return gridExp[f] == Integer.MIN_VALUE ? 0 : Math.scalb(1.0, gridExp[f] - log2Fine);
    }

    /** Fine bins that hold values (0 .. bin of the max), the histogram's bars. */
    int usedBins(int f) {
        return count[f] == 0 ? 0 : Math.min(fine - 1, (int) Math.scalb(max[f], log2Fine - gridExp[f])) + 1;
    }

    /** The activation histogram: counts of the used fine bins, bars at their centres. */
    Histogram histogram(int f) {
        int used = usedBins(f);
        double w = binWidth(f);
        double[] h = new double[used];
        double[] c = new double[used];
        for (int b = 0; b < used; b++) {
            h[b] = binCount[f * fine + b];
            c[b] = (b + 0.5) * w;
        }
        return new Histogram(h, c, w);
    }

    /** Interval groups, highest first: G ranges of whole fine bins splitting the used bins evenly. */
    List<Interval> intervals(int f, int groups) {
        int used = usedBins(f);
        double w = binWidth(f);
        List<Interval> out = new ArrayList<>();
        for (int g = groups - 1; g >= 0; g--) {
            int lo = g * used / groups;
            int hi = (g + 1) * used / groups;
            long c = 0;
            List<long[]> cand = new ArrayList<>();
            List<Float> candVal = new ArrayList<>();
            for (int b = lo; b < hi; b++) {
                int bin = f * fine + b;
                c += binCount[bin];
                for (int j = 0; j < sSize[bin]; j++) {
                    cand.add(new long[] {sPrio[bin * k + j], sLoc[bin * k + j]});
                    candVal.add(sVal[bin * k + j]);
                }
            }
            if (c == 0) continue;
            Integer[] order = new Integer[cand.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Long.compare(cand.get(a)[0], cand.get(b)[0]));
            List<Pick> sample = new ArrayList<>();
            for (int i = 0; i < Math.min(k, order.length); i++) {
                sample.add(new Pick(cand.get(order[i])[1], candVal.get(order[i])));
            }
            sample.sort((a, b) ->
                    better(a.value, a.loc, b.value, b.loc) ? -1 : better(b.value, b.loc, a.value, a.loc) ? 1 : 0);
            out.add(new Interval(lo * w, hi * w, c, sample));
        }
        return out;
    }
}
