package dev.softalign.experiment;

import dev.softalign.analysis.Trajectory;
import dev.softalign.data.Dataset;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Vectors;
import java.util.ArrayList;
import java.util.List;

/**
 * Angle in degrees between the rule's weight update and the true gradient (BP's), at
 * initialisation and after every epoch (index = epoch): all weights as one vector, and per layer
 * ({@code perLayer[layer][epoch]}); and the training trajectory over its loss landscape
 * ({@link Trajectory.Result}). What figure 2 stores per cell. {@code trajectory} is null for a cell
 * stored before it was measured (Gson leaves a missing field null) or one that diverged.
 */
public record UpdateAngles(double[] overall, double[][] perLayer, Trajectory.Result trajectory) {

    /** These angles with the cell's trajectory. */
    UpdateAngles with(Trajectory.Result t) {
        return new UpdateAngles(overall, perLayer, t);
    }

    /**
     * Angle in degrees between the rule's update and the true gradient on one batch, overall and
     * per layer (weights only); entry [layers] is the overall angle.
     */
    public static double[] measure(Mlp net, BackwardPath path, Dataset probe) {
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

    /** Measures the angles on a fixed probe batch as training goes; {@link #angles} after the run. */
    static final class Probe implements TrainingListener {

        private final BackwardPath path;
        private final Dataset probe;
        private final List<double[]> epochs = new ArrayList<>();
        private Mlp net;

        Probe(BackwardPath path, Dataset probe) {
            this.path = path;
            this.probe = probe;
        }

        @Override
        public void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
            this.net = net;
            epochs.add(UpdateAngles.measure(net, path, probe));
        }

        @Override
        public void epoch(EpochMetrics m) {
            epochs.add(UpdateAngles.measure(net, path, probe));
        }

        /** The angles of the epochs measured so far (all of them once training ended, diverged or not). */
        UpdateAngles angles() {
            int layers = epochs.isEmpty() ? 0 : epochs.get(0).length - 1;
            double[] overall = new double[epochs.size()];
            double[][] perLayer = new double[layers][epochs.size()];
            for (int e = 0; e < epochs.size(); e++) {
                overall[e] = epochs.get(e)[layers];
                for (int l = 0; l < layers; l++) {
                    perLayer[l][e] = epochs.get(e)[l];
                }
            }
            return new UpdateAngles(overall, perLayer, null);
        }
    }
}
