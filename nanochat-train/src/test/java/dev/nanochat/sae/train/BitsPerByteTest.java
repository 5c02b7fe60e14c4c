package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BitsPerByteTest {
    @Test
    void sumsNatsOverTextTargetsAndDividesByLn2TimesTheirBytes() {
        int[] tokenBytes = {1, 3, 2, 0}; // id 3 is a special token
        BitsPerByte bpb = new BitsPerByte(tokenBytes);
        bpb.add(new float[] {0.5f, 1.5f, 9.0f, 1.0f}, new int[] {0, 1, 3, 2});
        // counted: 0.5 + 1.5 + 1.0 nats over 1 + 3 + 2 bytes; the special target (9.0 nats) is ignored
        assertEquals(3.0 / (Math.log(2) * 6), bpb.bpb(), 1e-12);
        assertEquals(1.0, bpb.loss(), 1e-12);
        assertEquals(6, bpb.bytes());
    }

    @Test
    void unigramBaselineIsAddOneSmoothedFrequencyOfTrainingTargets() {
        UnigramBaseline u = new UnigramBaseline(4);
        u.count(new int[][] {{3, 0, 0, 1}, {3, 0, 2, 0}}); // targets: 0 0 1 | 0 2 0 → counts 4,1,1,0
        assertEquals(6, u.total());
        BitsPerByte bpb = new BitsPerByte(new int[] {1, 1, 1, 0});
        u.score(new int[][] {{3, 0, 1}}, bpb);
        double expectedNats = -Math.log(5 / 10.0) - Math.log(2 / 10.0);
        assertEquals(expectedNats / (Math.log(2) * 2), bpb.bpb(), 1e-6);
    }
}
