package dev.softalign.nn;

import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/** ojalgo's own multiply over transpose views: runs everywhere, the reference for fast kernels. */
final class PortableMatMul implements MatMul {

    @Override
    public void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c) {
        MatMul.checkShapes(a, transposeA, b, transposeB, c);
        MatrixStore<Double> left = transposeA ? a.transpose() : a;
        MatrixStore<Double> right = transposeB ? b.transpose() : b;
        c.fillByMultiplying(left, right);
    }

    @Override
    public String name() {
        return "ojalgo";
    }
}
