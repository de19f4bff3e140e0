package dev.softalign.experiment;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.Rule;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import dev.softalign.learn.TrainingDiverged;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Trains a cell's network, recording metrics even when it diverges, and optionally the update/gradient angle. */
public final class Training {

    /** The trained model (null if the cell diverged) and the cell's result so far. */
    public record Trained(TrainedModel model, CellResult result) {
    }

    /** Array names in a result: angle (degrees) between the rule's update and the true gradient, per epoch. */
    public static final String UPDATE_ANGLE = "update_angle";

    public static final String UPDATE_ANGLE_LAYER = "update_angle_layer";

    /** Cell tag: probe the update angle on this many training samples (absent: no probe). */
    public static final String PROBE_TAG = "probe_samples";

    /**
     * A run whose final training loss exceeds this multiple of its initial loss counted as
     * diverged: with ReLUs and cross-entropy a blown-up network's loss grows to 1e20 and beyond
     * without ever becoming NaN, so {@link TrainingDiverged} alone misses most divergences.
     */
    public static final double BLOWUP = 10;

    private Training() {
    }

    /**
     * Trains the cell, writing its run files (as {@code train --out} does) into folder, replacing
     * any there. With probeSamples > 0, after initialisation and after every epoch the angle
     * between the rule's weight update and the true gradient (BP's) is measured on the first
     * probeSamples training samples: overall (all weights as one vector) and per layer.
     */
    public static Trained train(Cell cell, Split data, Path folder, int probeSamples, MatMul kernel) {
        long start = System.nanoTime();
        CellResult r = CellResult.of(cell);
        Recorder rec = new Recorder(Rule.parse(cell.config().rule, cell.config().feedbackScale).path(),
                probeSamples > 0 ? data.train().first(Math.min(probeSamples, data.train().size())) : null);
        TrainedModel model = null;
        try {
            model = Trainer.of(cell.config(), data).kernel(kernel).out(folder).overwrite(true).listener(rec).run();
            r.history = new ArrayList<>(model.history());
            double initial = r.history.get(0).trainLoss();
            double last = r.last().trainLoss();
            if (!(last <= BLOWUP * initial)) {
                r.status = CellResult.DIVERGED;
                r.message = String.format(java.util.Locale.ROOT, "training loss rose from %.4g at initialisation to "
                        + "%.4g after epoch %d (more than %.0fx): the network blew up", initial, last, r.last().epoch(), BLOWUP);
            }
        } catch (TrainingDiverged e) {
            r.status = CellResult.DIVERGED;
            r.message = e.getMessage();
            r.history = rec.epochs;
        }
        if (probeSamples > 0) {
            r.arrays.put(UPDATE_ANGLE, rec.overall.stream().mapToDouble(Double::doubleValue).toArray());
            for (int l = 0; rec.perLayer.size() > 0 && l < rec.perLayer.get(0).length; l++) {
                double[] a = new double[rec.perLayer.size()];
                for (int e = 0; e < a.length; e++) {
                    a[e] = rec.perLayer.get(e)[l];
                }
                r.arrays.put(UPDATE_ANGLE_LAYER + l, a);
            }
        }
        r.seconds = (System.nanoTime() - start) / 1e9;
        return new Trained(model, r);
    }

    /**
     * Angle in degrees between the rule's update and the true gradient on one batch, overall and
     * per layer (weights only); entry [layers] is the overall angle.
     */
    public static double[] updateAngles(Mlp net, BackwardPath path, Dataset probe) {
        Pass p = net.pass(probe.size());
        net.load(p, probe, null, 0);
        net.forward(p);
        Gradients truth = new Gradients(net);
        Gradients update = new Gradients(net);
        // backward leaves dL/dlogits untouched, so one forward serves both paths.
        net.backward(p, BackwardPath.TRUE, truth, false);
        net.backward(p, path, update, false);
        int layers = net.layerCount();
        double[] out = new double[layers + 1];
        double[][] t = new double[layers][];
        double[][] u = new double[layers][];
        for (int l = 0; l < layers; l++) {
            t[l] = truth.weight[l].data;
            u[l] = update.weight[l].data;
            out[l] = Vectors.angleDegrees(t[l], u[l]);
        }
        out[layers] = Vectors.angleDegrees(concat(t), concat(u));
        return out;
    }

    private static double[] concat(double[][] parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Keeps completed epochs (for diverged cells) and probes the update angle. */
    private static final class Recorder implements TrainingListener {

        final List<EpochMetrics> epochs = new ArrayList<>();
        final List<Double> overall = new ArrayList<>();
        final List<double[]> perLayer = new ArrayList<>();
        private final BackwardPath path;
        private final Dataset probe;
        private Mlp net;

        Recorder(BackwardPath path, Dataset probe) {
            this.path = path;
            this.probe = probe;
        }

        @Override
        public void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
            this.net = net;
            probe();
        }

        @Override
        public void epoch(EpochMetrics m) {
            epochs.add(m);
            probe();
        }

        private void probe() {
            if (probe == null) {
                return;
            }
            double[] a = updateAngles(net, path, probe);
            overall.add(a[a.length - 1]);
            perLayer.add(java.util.Arrays.copyOf(a, a.length - 1));
        }
    }
}
