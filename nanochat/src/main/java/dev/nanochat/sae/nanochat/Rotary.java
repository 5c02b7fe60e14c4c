package dev.nanochat.sae.nanochat;

import dev.nanochat.sae.nanochat.torch.Bf16;

/**
 * Rotary tables as nanochat builds them: inv_freq[j] = 1/10000^(2j/D) and angle = position·inv_freq
 * in fp32, cos/sin rounded to bf16 (nanochat stores them in bf16) but handed to DJL as fp32.
 * Half-split layout: y1 = x1·cos + x2·sin, y2 = −x1·sin + x2·cos over x = [x1 | x2].
 */
final class Rotary {
    private static final float BASE = 10000f;

    private Rotary() {}

    /** cos and sin for positions [offset, offset+t), each [t, D/2] row-major, bf16-rounded. */
    static float[][] tables(int headDim, int offset, int t) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (2f * j) / headDim;
            invFreq[j] = 1.0f / (float) Math.pow(BASE, exponent);
        }
        float[] cos = new float[t * half], sin = new float[t * half];
        for (int p = 0; p < t; p++) {
            float pos = offset + p;
            for (int j = 0; j < half; j++) {
                float angle = pos * invFreq[j];
                cos[p * half + j] = Bf16.round((float) Math.cos(angle));
                sin[p * half + j] = Bf16.round((float) Math.sin(angle));
            }
        }
        return new float[][] {cos, sin};
    }
}
