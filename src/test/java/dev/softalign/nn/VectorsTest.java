package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The grid extremes loss surfaces report (Landscape's min and max loss, Trajectory's surface minimum). */
class VectorsTest {

    @Test
    void extremesOfAJaggedGridAndOfAnEmptyOne() {
        double[][] grid = {{3, -1.5}, {}, {7}, {0.25, 2, -0.0}};
        assertEquals(-1.5, Vectors.min(grid));
        assertEquals(7, Vectors.max(grid));
        assertEquals(Double.POSITIVE_INFINITY, Vectors.min(new double[0][]));
        assertEquals(Double.NEGATIVE_INFINITY, Vectors.max(new double[][] {{}}));
        // A NaN loss on the grid shows in both, not hidden by the others.
        assertEquals(Double.NaN, Vectors.min(new double[][] {{1, Double.NaN, 0}}));
        assertEquals(Double.NaN, Vectors.max(new double[][] {{1, Double.NaN, 0}}));
    }
}
