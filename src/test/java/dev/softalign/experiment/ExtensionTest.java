package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.nn.Evaluation;
import dev.softalign.learn.TrainedModel;
import dev.softalign.nn.Vectors;
import dev.softalign.report.Bars;
import dev.softalign.report.Density;
import dev.softalign.report.Figure;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.Report;
import dev.softalign.report.ReportTest;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How figures 3-5 plug in: an experiment that trains each cell, analyses the network in
 * {@link Experiment#analyze} into its own record, and plots the stored records' fields. Here the
 * "analysis" is the weight norm and some first-layer weights, standing in for a Hessian eigenvalue
 * and a spectral density.
 */
class ExtensionTest {

    static final AtomicInteger ANALYSED = new AtomicInteger();

    /** The experiment's measurement: what a cell stores in result.json and the report reads. */
    record Norms(double weightNorm, double testLoss, double[] firstLayerWeights) {
    }

    static final class NormExperiment implements Experiment<Norms> {

        @Override
        public Class<Norms> measurement() {
            return Norms.class;
        }

        @Override
        public String id() {
            return "norms";
        }

        @Override
        public String figure() {
            return "9";
        }

        @Override
        public String title() {
            return "Weight norm per condition";
        }

        @Override
        public List<Cell> cells(Preset p) {
            List<Cell> cells = new ArrayList<>();
            for (Groups.Condition c : Groups.conditions(p)) {
                for (int seed = 1; seed <= p.seeds(); seed++) {
                    cells.add(Cell.of(c.apply(DepthExperiment.base(p)).depth(2).epochs(1).seed(seed),
                            Cell.tags("group", c.label())));
                }
            }
            return cells;
        }

        @Override
        public Norms analyze(Cell cell, Split data, TrainedModel model) {
            ANALYSED.incrementAndGet();
            return new Norms(Vectors.norm(model.net().parameters()), Evaluation.of(model.net(), data.test()).loss(),
                    java.util.Arrays.copyOf(model.net().layer(0).weight.data, 200));
        }

        @Override
        public Report report(Preset p, Split data, List<CellResult<Norms>> results) {
            List<String> groups = new ArrayList<>(Groups.byGroup(results).keySet());
            double[] mean = new double[groups.size()];
            double[] sd = new double[groups.size()];
            List<Density.Sample> samples = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                String g = groups.get(i);
                double[] v = Groups.where(results, r -> r.group().equals(g)).stream()
                        .mapToDouble(r -> r.value(Norms::weightNorm)).toArray();
                mean[i] = Stats.mean(v);
                sd[i] = Stats.sd(v);
                samples.add(new Density.Sample(g, Groups.where(results, r -> r.group().equals(g)).get(0)
                        .measured.firstLayerWeights(), null));
            }
            return new Report(title())
                    .figure(new Figure("norms", "Weight norm", "Norm of all parameters after training.",
                            new Bars("condition", "norm", groups, List.of(new Bars.Group("norm", mean, sd)))))
                    .figure(new Figure("weights", "First-layer weights", "Density of 200 first-layer weights.",
                            new Density("weight", samples)))
                    .verdicts(List.of(new Verdict("9. norms are finite", "yes if every norm is finite",
                            java.util.Arrays.toString(mean), Stats.finite(mean).length == mean.length
                                    ? Verdict.Outcome.YES : Verdict.Outcome.NO)));
        }
    }

    @Test
    void anAnalysisExperimentRunsStoresAndReusesItsNumbers(@TempDir Path out) throws Exception {
        Preset p = Preset.TEST.withSeeds(1);
        ANALYSED.set(0);
        Reproduce.Done d = Reproduce.run(List.of(new NormExperiment()), p, out, ImageFormat.PNG, 2, null).get(0);
        assertEquals(3, ANALYSED.get(), "one analysis per cell");
        Norms n = (Norms) d.outcome().results().get(0).measured;
        assertTrue(n.weightNorm() > 0);
        String id = d.outcome().results().get(0).id;
        Norms stored = CellStore.read(out.resolve("norms/cells/" + id + "/result.json"), Norms.class).measured;
        assertEquals(n.weightNorm(), stored.weightNorm());
        assertArrayEquals(n.firstLayerWeights(), stored.firstLayerWeights());
        ReportTest.checkOffline(d.index());
        assertEquals(Verdict.Outcome.YES, d.verdicts().get(0).outcome());

        Reproduce.run(List.of(new NormExperiment()), p, out, ImageFormat.PNG, 2, null);
        assertEquals(3, ANALYSED.get(), "finished cells are not analysed again");
    }
}
