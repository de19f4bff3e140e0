package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.nn.GemmBench;
import dev.softalign.nn.MatMul;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the bench command reports is computed right; no speed is asserted (a shared machine is noisy). */
class ThroughputTest {

    @Test
    void gemmRowsConvertTimesToFlopRates() {
        GemmBench.Shape s = new GemmBench.Shape("odd", 33, 17, 9, true, false);
        List<GemmBench.Row> rows = GemmBench.run(MatMul.get(), List.of(s), 1, 3, 1);
        GemmBench.Row r = rows.get(0);
        assertEquals(2.0 * 33 * 17 * 9 / (r.bestMillis() * 1e6), r.gflops(), 1e-9 * r.gflops());
        assertTrue(r.bestMillis() <= r.medianMillis());
    }

    @Test
    void throughputTrainsWithoutDivergingAndCountsWholeBatches() {
        Split data = Synthetic.blobs(650, 16, 3, 0.2, 1);
        double rate = Throughput.samplesPerSecond(TrainConfig.defaults().rule("fa").depth(2).width(8).batch(100),
                data.train(), 1);
        assertTrue(rate > 0 && Double.isFinite(rate), "samples/s " + rate);
    }
}
