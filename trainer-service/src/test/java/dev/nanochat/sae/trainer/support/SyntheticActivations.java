package dev.nanochat.sae.trainer.support;

import java.util.SplittableRandom;

/**
 * Activations made of known sparse directions, so an SAE can learn them and FVU must fall:
 * each row = Σ over {@code active} randomly chosen features of magnitude·direction, plus small noise.
 * directions [features, dIn], unit norm.
 */
public final class SyntheticActivations {
    private final int dIn;
    private final int features;
    private final int active;
    private final float[] directions;
    private final SplittableRandom random;

    public SyntheticActivations(int dIn, int features, int active, long seed) {
        this.dIn = dIn;
        this.features = features;
        this.active = active;
        this.random = new SplittableRandom(seed);
        SplittableRandom dirs = new SplittableRandom(1234);
        this.directions = new float[features * dIn];
        for (int f = 0; f < features; f++) {
            double norm = 0;
            for (int d = 0; d < dIn; d++) {
                double v = gaussian(dirs);
                directions[f * dIn + d] = (float) v;
                norm += v * v;
            }
            for (int d = 0; d < dIn; d++) {
                directions[f * dIn + d] /= (float) Math.sqrt(norm);
            }
        }
    }

    public int dIn() {
        return dIn;
    }

    /** rows × dIn, row-major. */
    public float[] sample(int rows) {
        float[] out = new float[rows * dIn];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < active; a++) {
                int f = random.nextInt(features);
                float magnitude = (float) (0.5 + 1.5 * random.nextDouble());
                for (int d = 0; d < dIn; d++) {
                    out[r * dIn + d] += magnitude * directions[f * dIn + d];
                }
            }
            for (int d = 0; d < dIn; d++) {
                out[r * dIn + d] += (float) (0.01 * gaussian(random));
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
