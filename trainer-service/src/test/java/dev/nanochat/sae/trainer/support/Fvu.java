package dev.nanochat.sae.trainer.support;

import dev.nanochat.sae.core.Sae;
import java.nio.file.Path;

/** Oracle FVU = Σ‖x − x̂‖² / Σ‖x − mean(x)‖² of a saved SAE on fresh rows [rows, dIn]. */
public final class Fvu {
    private Fvu() {}

    public static double of(Path saeLensDir, float[] x, int rows, int dIn) {
        try (Sae sae = Sae.load(saeLensDir)) {
            float[] xHat = sae.reconstruct(x, rows);
            double[] mean = new double[dIn];
            for (int r = 0; r < rows; r++) {
                for (int d = 0; d < dIn; d++) {
                    mean[d] += x[r * dIn + d] / (double) rows;
                }
            }
            double err = 0;
            double total = 0;
            for (int i = 0; i < rows * dIn; i++) {
                double e = x[i] - xHat[i];
                double c = x[i] - mean[i % dIn];
                err += e * e;
                total += c * c;
            }
            return err / total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
