package dev.softalign.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * One float32 product for {@link VectorMatMul}: the float64 kernel's blocking (KC, MC, NC, NR, a
 * micro-tile of 2 vectors by NR columns) on FloatVector.SPECIES_PREFERRED, so twice the rows per
 * tile (32 on AVX-512, 16 on AVX2). op(a) and op(b) are rounded to float32 as they are packed
 * (vector conversions where the source is contiguous); each element of c is a float32 sum, stored
 * widened in the double array.
 *
 * <p>Every element is computed as {@link PortableFloatMatMul} computes it: per k-block of KC, a
 * chain of fused multiply-adds in k order starting from zero, then one float32 addition to the
 * previous blocks' sum. A lane of a vector FMA is the same IEEE operation as a scalar
 * {@code Math.fma}, so the two kernels agree bit for bit, whatever the thread count.
 */
final class FloatProduct extends VectorMatMul.Blocks {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Doubles per vector register, and floats of the same lane count: the lanes of a conversion. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> H = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int DL = D.length();
    private static final int VL = S.length();
    static final int MR = 2 * VL;
    static final int NR = VectorMatMul.NR;
    static final int KC = VectorMatMul.KC;
    static final int MC = VectorMatMul.roundUp(256, MR);
    static final int NC = VectorMatMul.NC;

    /**
     * Per executing thread (a product's parts run on several): packing buffers for a and b and the
     * micro-tile the kernel writes before c is updated, allocated once and reused.
     */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    @Override
    int mr() {
        return MR;
    }

    @Override
    void run(int i0, int i1, int j0, int j1) {
        float[][] buffers = BUFFERS.get();
        float[] ap = buffers[0];
        float[] bp = buffers[1];
        float[] tile = buffers[2];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = pc > 0;
                packB(bp, pc, kc, jc, nc);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(ap, ic, mc, pc, kc);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(ap, ir * kc, bp, jr * kc, kc, tile);
                            int cOff = (ic + ir) + (jc + jr) * m;
                            if (mr == MR) {
                                store(tile, nr, cOff, accumulate);
                            } else {
                                for (int j = 0; j < nr; j++) {
                                    int o = cOff + j * m;
                                    for (int i = 0; i < mr; i++) {
                                        float t = tile[i + j * MR];
                                        c[o + i] = accumulate ? (float) c[o + i] + t : t;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Writes the first nr columns of a full-height tile into c at cOff, widened, added to c's value
     * when accumulating: the float32 sum (float) c + t, computed as a double sum rounded to float32,
     * which is the same number (double holds more than twice float32's precision, so rounding twice
     * is exact for one addition).
     */
    private void store(float[] tile, int nr, int cOff, boolean accumulate) {
        for (int j = 0; j < nr; j++) {
            int o = cOff + j * m;
            int t = j * MR;
            for (int i = 0; i < MR; i += DL) {
                DoubleVector v = (DoubleVector) FloatVector.fromArray(H, tile, t + i).convertShape(VectorOperators.F2D, D, 0);
                if (accumulate) {
                    v = (DoubleVector) DoubleVector.fromArray(D, c, o + i).add(v)
                            .convertShape(VectorOperators.D2F, H, 0).convertShape(VectorOperators.F2D, D, 0);
                }
                v.intoArray(c, o + i);
            }
        }
    }

    /** Packs op(a)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels, p-major, zero-padded to MR rows. */
    private void packA(float[] ap, int ic, int mc, int pc, int kc) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            int row0 = ic + ir;
            if (!ta) {
                for (int p = 0; p < kc; p++) {
                    int src = row0 + (pc + p) * m;
                    int dst = base + p * MR;
                    if (mr == MR) {
                        for (int i = 0; i < MR; i += DL) {
                            ((FloatVector) DoubleVector.fromArray(D, a, src + i).convertShape(VectorOperators.D2F, H, 0)).intoArray(ap, dst + i);
                        }
                        continue;
                    }
                    for (int i = 0; i < mr; i++) {
                        ap[dst + i] = (float) a[src + i];
                    }
                    for (int i = mr; i < MR; i++) {
                        ap[dst + i] = 0f;
                    }
                }
            } else {
                for (int i = 0; i < mr; i++) {
                    int src = pc + (row0 + i) * k;
                    int dst = base + i;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR] = (float) a[src + p];
                    }
                }
                for (int i = mr; i < MR; i++) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + i + p * MR] = 0f;
                    }
                }
            }
        }
    }

    /** Packs op(b)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels, p-major, zero-padded to NR columns. */
    private void packB(float[] bp, int pc, int kc, int jc, int nc) {
        if (tb) {
            packRowsOfB(bp, pc, kc, jc, nc);
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            int col0 = jc + jr;
            for (int j = 0; j < nr; j++) {
                int src = pc + (col0 + j) * k;
                int dst = base + j;
                for (int p = 0; p < kc; p++) {
                    bp[dst + p * NR] = (float) b[src + p];
                }
            }
            for (int j = nr; j < NR; j++) {
                for (int p = 0; p < kc; p++) {
                    bp[base + j + p * NR] = 0f;
                }
            }
        }
    }

    /**
     * packB when b is stored transposed (n x k column-major): op(b)'s row p is contiguous in b. Each
     * row is read once, in order, and dealt out to the panels, rather than each panel gathering a
     * short run from every row, rows that lie a whole sample apart (6 KB in a gradient's H^T).
     */
    private void packRowsOfB(float[] bp, int pc, int kc, int jc, int nc) {
        for (int p = 0; p < kc; p++) {
            int row = jc + (pc + p) * n;
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int src = row + jr;
                int dst = jr * kc + p * NR;
                int j = 0;
                for (; j + DL <= nr; j += DL) {
                    ((FloatVector) DoubleVector.fromArray(D, b, src + j).convertShape(VectorOperators.D2F, H, 0)).intoArray(bp, dst + j);
                }
                for (; j < nr; j++) {
                    bp[dst + j] = (float) b[src + j];
                }
                for (; j < NR; j++) {
                    bp[dst + j] = 0f;
                }
            }
        }
    }

    /**
     * t[0:MR, 0:NR] (leading dimension MR) = the product of one packed a micro-panel and one packed
     * b micro-panel over kc, each element a chain of FMAs from zero.
     */
    private static void kernel(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] t) {
        // Plain locals, as in the float64 kernel: a helper taking vectors gets boxed by C2 (JDK 17).
        FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c04 = FloatVector.zero(S), c14 = FloatVector.zero(S);
        FloatVector c05 = FloatVector.zero(S), c15 = FloatVector.zero(S);
        FloatVector c06 = FloatVector.zero(S), c16 = FloatVector.zero(S);
        FloatVector c07 = FloatVector.zero(S), c17 = FloatVector.zero(S);
        FloatVector c08 = FloatVector.zero(S), c18 = FloatVector.zero(S);
        FloatVector c09 = FloatVector.zero(S), c19 = FloatVector.zero(S);
        FloatVector c0a = FloatVector.zero(S), c1a = FloatVector.zero(S);
        FloatVector c0b = FloatVector.zero(S), c1b = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            // Offsets computed from p, not advanced by the loop: the same loads, and the kernel
            // alone (one thread, packed panels in cache) ran 1-7 % faster here.
            int ao = aOff + p * MR;
            int bo = bOff + p * NR;
            FloatVector a0 = FloatVector.fromArray(S, ap, ao);
            FloatVector a1 = FloatVector.fromArray(S, ap, ao + VL);
            FloatVector b0 = FloatVector.broadcast(S, bp[bo + 0]);
            c00 = a0.fma(b0, c00); c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.broadcast(S, bp[bo + 1]);
            c01 = a0.fma(b1, c01); c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(S, bp[bo + 2]);
            c02 = a0.fma(b2, c02); c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.broadcast(S, bp[bo + 3]);
            c03 = a0.fma(b3, c03); c13 = a1.fma(b3, c13);
            FloatVector b4 = FloatVector.broadcast(S, bp[bo + 4]);
            c04 = a0.fma(b4, c04); c14 = a1.fma(b4, c14);
            FloatVector b5 = FloatVector.broadcast(S, bp[bo + 5]);
            c05 = a0.fma(b5, c05); c15 = a1.fma(b5, c15);
            FloatVector b6 = FloatVector.broadcast(S, bp[bo + 6]);
            c06 = a0.fma(b6, c06); c16 = a1.fma(b6, c16);
            FloatVector b7 = FloatVector.broadcast(S, bp[bo + 7]);
            c07 = a0.fma(b7, c07); c17 = a1.fma(b7, c17);
            FloatVector b8 = FloatVector.broadcast(S, bp[bo + 8]);
            c08 = a0.fma(b8, c08); c18 = a1.fma(b8, c18);
            FloatVector b9 = FloatVector.broadcast(S, bp[bo + 9]);
            c09 = a0.fma(b9, c09); c19 = a1.fma(b9, c19);
            FloatVector ba = FloatVector.broadcast(S, bp[bo + 10]);
            c0a = a0.fma(ba, c0a); c1a = a1.fma(ba, c1a);
            FloatVector bb = FloatVector.broadcast(S, bp[bo + 11]);
            c0b = a0.fma(bb, c0b); c1b = a1.fma(bb, c1b);
        }
        c00.intoArray(t, 0); c10.intoArray(t, VL);
        c01.intoArray(t, MR); c11.intoArray(t, MR + VL);
        c02.intoArray(t, 2 * MR); c12.intoArray(t, 2 * MR + VL);
        c03.intoArray(t, 3 * MR); c13.intoArray(t, 3 * MR + VL);
        c04.intoArray(t, 4 * MR); c14.intoArray(t, 4 * MR + VL);
        c05.intoArray(t, 5 * MR); c15.intoArray(t, 5 * MR + VL);
        c06.intoArray(t, 6 * MR); c16.intoArray(t, 6 * MR + VL);
        c07.intoArray(t, 7 * MR); c17.intoArray(t, 7 * MR + VL);
        c08.intoArray(t, 8 * MR); c18.intoArray(t, 8 * MR + VL);
        c09.intoArray(t, 9 * MR); c19.intoArray(t, 9 * MR + VL);
        c0a.intoArray(t, 10 * MR); c1a.intoArray(t, 10 * MR + VL);
        c0b.intoArray(t, 11 * MR); c1b.intoArray(t, 11 * MR + VL);
    }
}
