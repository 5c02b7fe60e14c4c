package dev.nanochat.sae.core.kernels;

/**
 * Active latents of a batch in CSR form: token t has latents indices[rowPtr[t] .. rowPtr[t+1]) with the
 * matching values. TopK gives exactly k per token; BatchTopK and threshold SAEs give a variable number.
 */
public record SparseCodes(int rows, int dSae, int[] rowPtr, int[] indices, float[] values) {
    public SparseCodes {
        if (rowPtr.length != rows + 1)
            throw new IllegalArgumentException("rowPtr length " + rowPtr.length + " != rows+1 = " + (rows + 1));
        if (indices.length != values.length || rowPtr[rows] > indices.length)
            throw new IllegalArgumentException("indices/values lengths " + indices.length + "/" + values.length
                    + " do not match rowPtr[rows] = " + rowPtr[rows]);
    }

    public int nnz() {
        return rowPtr[rows];
    }

    /** Keeps the positive entries of a dense [rows, dSae] array. */
    public static SparseCodes fromDense(float[] z, int rows, int dSae) {
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        for (float v : z) if (v != 0) nnz++;
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int p = 0;
        for (int t = 0; t < rows; t++) {
            for (int i = 0, o = t * dSae; i < dSae; i++) {
                float v = z[o + i];
                if (v != 0) {
                    idx[p] = i;
                    val[p++] = v;
                }
            }
            ptr[t + 1] = p;
        }
        return new SparseCodes(rows, dSae, ptr, idx, val);
    }

    public float[] toDense() {
        float[] z = new float[rows * dSae];
        for (int t = 0; t < rows; t++)
            for (int p = rowPtr[t]; p < rowPtr[t + 1]; p++) z[t * dSae + indices[p]] = values[p];
        return z;
    }
}
