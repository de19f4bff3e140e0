package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;

/**
 * The mean loss of a network over a fixed dataset as a function of its forward parameters (flat,
 * {@link Mlp#parameters()} order), with the true gradient through W. Evaluating sets the network's
 * parameters to w: callers that probe around a trained point restore it afterwards.
 */
public final class ModelLoss implements DifferentiableLoss {

    public static final int BATCH = 1000;

    private final Mlp net;
    private final Dataset data;
    private final int batch;
    private final Gradients g;
    private double lastAccuracy = Double.NaN;

    public ModelLoss(Mlp net, Dataset data) {
        this(net, data, BATCH);
    }

    public ModelLoss(Mlp net, Dataset data, int batch) {
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.name() + ": no samples");
        }
        if (data.features() != net.inputSize()) {
            throw new IllegalArgumentException(data.name() + " has " + data.features()
                    + " features per sample but the model expects " + net.inputSize());
        }
        this.net = net;
        this.data = data;
        this.batch = batch;
        this.g = new Gradients(net);
    }

    public Mlp net() {
        return net;
    }

    @Override
    public int dimension() {
        return net.parameterCount();
    }

    @Override
    public double value(double[] w) {
        return run(w, null);
    }

    @Override
    public double valueAndGradient(double[] w, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        return run(w, grad);
    }

    /** Accuracy at the parameters of the last {@link #value} or {@link #valueAndGradient} call. */
    public double lastAccuracy() {
        return lastAccuracy;
    }

    private double run(double[] w, double[] grad) {
        net.setParameters(w);
        int n = data.size();
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            Pass p = net.pass(m);
            double l = net.forward(p, data, null, from);
            loss += l * m;
            correct += p.correct();
            if (grad != null) {
                net.backward(p, BackwardPath.TRUE, g, false);
                // Batch-mean gradients, weighted back to a mean over the whole set.
                g.addTo(grad, (double) m / n);
            }
        }
        lastAccuracy = (double) correct / n;
        return loss / n;
    }
}
