package dev.softalign.nn;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * ojalgo's own multiply over transpose views: runs everywhere, the reference for fast kernels.
 * ojalgo splits large products over its own executor as it sees fit, outside any budget we set;
 * this is the fallback for a JVM without the Vector API, not the kernel sweeps are tuned for.
 */
final class PortableMatMul implements MatMul {

    @Override
    public void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c) {
        MatMul.checkShapes(a, transposeA, b, transposeB, c);
        MatrixStore<Double> left = transposeA ? a.transpose() : a;
        MatrixStore<Double> right = transposeB ? b.transpose() : b;
        c.fillByMultiplying(left, right);
    }

    @Override
    public int threads() {
        return org.ojalgo.matrix.operation.MultiplyBoth.PARALLELISM.getAsInt();
    }

    @Override
    public String name() {
        return "ojalgo";
    }
}
