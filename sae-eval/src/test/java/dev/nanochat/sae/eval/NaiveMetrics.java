package dev.nanochat.sae.eval;

/**
 * sae.md's reconstruction and sparsity metrics for a ReLU SAE, written as plain loops straight from the
 * definitions — the oracle the engine's metrics are compared to. Accumulation in double.
 */
public final class NaiveMetrics {
    public double mse, fvu, explainedVariance, l0, l1, deadFraction, dense10, dense1, cosine, l2Ratio;

    public static NaiveMetrics relu(
            float[] x, int rows, int d, int n, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec) {
        double[][] z = new double[rows][n];
        double[][] xh = new double[rows][d];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < n; j++) {
                double h = bEnc[j];
                for (int i = 0; i < d; i++) {
                    h += (x[t * d + i] - bDec[i]) * wEnc[i * n + j];
                }
                z[t][j] = Math.max(0, h);
            }
            for (int i = 0; i < d; i++) {
                double v = bDec[i];
                for (int j = 0; j < n; j++) {
                    v += z[t][j] * wDec[j * d + i];
                }
                xh[t][i] = v;
            }
        }
        double[] mean = new double[d];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < d; i++) {
                mean[i] += x[t * d + i] / (double) rows;
            }
        }
        NaiveMetrics m = new NaiveMetrics();
        double sse = 0, sst = 0;
        int[] fires = new int[n];
        for (int t = 0; t < rows; t++) {
            double dot = 0, nx = 0, nxh = 0;
            for (int i = 0; i < d; i++) {
                double xi = x[t * d + i];
                sse += (xi - xh[t][i]) * (xi - xh[t][i]);
                sst += (xi - mean[i]) * (xi - mean[i]);
                dot += xi * xh[t][i];
                nx += xi * xi;
                nxh += xh[t][i] * xh[t][i];
            }
            m.cosine += dot / Math.sqrt(nx * nxh) / rows;
            m.l2Ratio += Math.sqrt(nxh) / Math.sqrt(nx) / rows;
            for (int j = 0; j < n; j++) {
                if (z[t][j] != 0) {
                    m.l0 += 1.0 / rows;
                    fires[j]++;
                }
                m.l1 += Math.abs(z[t][j]) / rows;
            }
        }
        m.mse = sse / rows;
        m.fvu = sse / sst;
        m.explainedVariance = 1 - m.fvu;
        for (int j = 0; j < n; j++) {
            m.deadFraction += fires[j] == 0 ? 1.0 / n : 0;
            m.dense10 += fires[j] > 0.10 * rows ? 1.0 / n : 0;
            m.dense1 += fires[j] > 0.01 * rows ? 1.0 / n : 0;
        }
        return m;
    }
}
