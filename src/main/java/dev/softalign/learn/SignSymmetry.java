package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Mlp;
import java.util.random.RandomGenerator;
import org.ojalgo.matrix.store.R064Store;

/**
 * Sign-symmetric feedback (as in biotorch): B_l = m ⊙ sign(W_l), refreshed before every step.
 * usf: uniform magnitude sqrt(2/fan_in); frsf: fixed random magnitudes |R|, drawn once (kept as |B|);
 * brsf: random magnitudes redrawn for every batch.
 */
public final class SignSymmetry implements Rule {

    private enum Magnitude { UNIFORM, FIXED_RANDOM, BATCH_RANDOM }

    private final Magnitude magnitude;
    private final double scale;

    private SignSymmetry(Magnitude magnitude, double scale) {
        this.magnitude = magnitude;
        this.scale = scale;
    }

    public static SignSymmetry uniform() {
        return new SignSymmetry(Magnitude.UNIFORM, 1);
    }

    public static SignSymmetry fixedRandom(double scale) {
        return new SignSymmetry(Magnitude.FIXED_RANDOM, scale);
    }

    public static SignSymmetry batchwiseRandom() {
        return new SignSymmetry(Magnitude.BATCH_RANDOM, 1);
    }

    @Override
    public String id() {
        switch (magnitude) {
            case UNIFORM:
                return "usf";
            case FIXED_RANDOM:
                return "frsf";
            default:
                return "brsf";
        }
    }

    @Override
    public BackwardPath path() {
        return BackwardPath.FEEDBACK;
    }

    @Override
    public void initialize(Mlp net, RandomGenerator rng) {
        for (int i = 0; i < net.layerCount(); i++) {
            R064Store b = net.layer(i).feedback;
            double std = scale * Math.sqrt(2.0 / b.getColDim());
            for (int k = 0; k < b.data.length; k++) {
                b.data[k] = magnitude == Magnitude.UNIFORM ? Math.sqrt(2.0 / b.getColDim()) : Math.abs(std * rng.nextGaussian());
            }
        }
        refresh(net, null);
    }

    @Override
    public void beforeStep(Mlp net, RandomGenerator rng) {
        refresh(net, magnitude == Magnitude.BATCH_RANDOM ? rng : null);
    }

    private void refresh(Mlp net, RandomGenerator fresh) {
        for (int i = 0; i < net.layerCount(); i++) {
            double[] w = net.layer(i).weight.data;
            R064Store fb = net.layer(i).feedback;
            double[] b = fb.data;
            double std = Math.sqrt(2.0 / fb.getColDim());
            for (int k = 0; k < b.length; k++) {
                double m = fresh != null ? Math.abs(std * fresh.nextGaussian()) : Math.abs(b[k]);
                b[k] = m * Math.signum(w[k]);
            }
            net.dtype().round(b);
        }
    }

    @Override
    public String toString() {
        return id() + " (sign-symmetric feedback)";
    }
}
