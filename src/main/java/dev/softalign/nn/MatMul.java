package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * The one seam every hot matrix product goes through: forward, backward, Hessian-vector
 * products and attacks. Matrices are ojalgo {@link R064Store}s, column-major; transposes are
 * flags, never copies.
 */
public interface MatMul {

    /** c = op(a) * op(b); c is overwritten and must not alias a or b. */
    void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c);

    /** Short name for logs and benchmarks. */
    String name();

    /**
     * The kernel for this JVM: the Vector API one when {@code jdk.incubator.vector} is loaded
     * (the launcher, tests and JShell pass the flag), the portable ojalgo one otherwise or when
     * {@code -Dsoftalign.kernel=portable} asks for it.
     */
    static MatMul get() {
        return Kernels.DEFAULT;
    }

    static MatMul portable() {
        return Kernels.PORTABLE;
    }

    /** Checks shapes once, so both kernels fail the same way. */
    static void checkShapes(R064Store a, boolean ta, R064Store b, boolean tb, R064Store c) {
        int m = ta ? a.getColDim() : a.getRowDim();
        int k = ta ? a.getRowDim() : a.getColDim();
        int kb = tb ? b.getColDim() : b.getRowDim();
        int n = tb ? b.getRowDim() : b.getColDim();
        if (k != kb || c.getRowDim() != m || c.getColDim() != n) {
            throw new IllegalArgumentException("matrix product shapes do not agree: op(a) is " + m + "x" + k
                    + ", op(b) is " + kb + "x" + n + ", c is " + c.getRowDim() + "x" + c.getColDim());
        }
    }
}
