package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * The float32 kernel in plain Java, for a JVM without the Vector API: each element of c is what
 * {@link FloatProduct} computes (per k-block of {@link VectorMatMul#KC}, a chain of
 * {@code Math.fma} in float32 from zero, then one float32 addition to the previous blocks), so the
 * two kernels agree bit for bit. One thread; it is the fallback, not the fast path.
 */
final class PortableFloatMatMul implements MatMul {

    @Override
    public void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c) {
        MatMul.checkShapes(a, transposeA, b, transposeB, c);
        int m = c.getRowDim();
        int n = c.getColDim();
        int k = transposeA ? a.getRowDim() : a.getColDim();
        // op(a) as float32, column-major m x k, so the inner loop runs down contiguous columns.
        float[] af = new float[m * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                af[i + p * m] = (float) (transposeA ? a.data[p + i * k] : a.data[i + p * m]);
            }
        }
        float[] sum = new float[m];
        float[] block = new float[m];
        for (int j = 0; j < n; j++) {
            for (int pc = 0; pc < k; pc += VectorMatMul.KC) {
                java.util.Arrays.fill(block, 0f);
                for (int p = pc; p < Math.min(k, pc + VectorMatMul.KC); p++) {
                    float bpj = (float) (transposeB ? b.data[j + p * n] : b.data[p + j * k]);
                    int o = p * m;
                    for (int i = 0; i < m; i++) {
                        block[i] = Math.fma(af[o + i], bpj, block[i]);
                    }
                }
                for (int i = 0; i < m; i++) {
                    sum[i] = pc == 0 ? block[i] : sum[i] + block[i];
                }
            }
            for (int i = 0; i < m; i++) {
                c.data[i + j * m] = k == 0 ? 0.0 : sum[i];
            }
        }
    }

    @Override
    public Dtype dtype() {
        return Dtype.F32;
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public String name() {
        return "portable-f32";
    }
}
