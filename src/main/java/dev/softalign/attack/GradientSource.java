package dev.softalign.attack;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ojalgo.matrix.store.R064Store;

/**
 * Where an attack gets its input gradient: cross-entropy on the logits of a model, sent back to the
 * pixels through W (the true gradient, the default) or through a learning rule's own feedback path.
 * The feedback path is not the model's input gradient, so attacking through it alone is gradient
 * masking; it is offered only as an explicit choice.
 */
public final class GradientSource {

    /** Batch sizes whose buffers a source keeps (see passes). */
    private static final int PASSES = 4;

    private final Mlp net;
    private final BackwardPath path;
    /**
     * Buffers per batch size, the few most recently used kept: APGD's runs and AutoAttack's order
     * shrink the batch as samples break, dozens of sizes worth megabytes each, which the network's
     * own cache would keep for its lifetime.
     */
    private final Map<Integer, Pass> passes = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Pass> eldest) {
            return size() > PASSES;
        }
    };
    private int[] scratchLabels = new int[0];

    /** The model's cross-entropy input gradient along {@code path}; an MSE model is attacked with CE on its logits. */
    public GradientSource(Mlp model, BackwardPath path) {
        this.net = crossEntropy(model);
        this.path = path;
    }

    /** The true input gradient through W. */
    public static GradientSource trueGradient(Mlp model) {
        return new GradientSource(model, BackwardPath.TRUE);
    }

    /**
     * The model itself if it already ends in cross-entropy, otherwise a copy with the same
     * parameters, feedback and normalisation whose loss is cross-entropy: attacks maximise CE on the
     * logits whatever loss the model was trained with.
     */
    public static Mlp crossEntropy(Mlp model) {
        if (model.loss() == Loss.CROSS_ENTROPY) {
            return model;
        }
        Mlp c = Mlp.zeros(model.sizes(), model.activation(), Loss.CROSS_ENTROPY, model.kernel());
        c.setParameters(model.parameters());
        for (int i = 0; i < model.layerCount(); i++) {
            c.layer(i).feedback = R064Store.FACTORY.copy(model.layer(i).feedback);
        }
        if (model.inputMean() != null) {
            c.normalize(model.inputMean(), model.inputStd());
        }
        return c;
    }

    public Mlp net() {
        return net;
    }

    public BackwardPath path() {
        return path;
    }

    public int features() {
        return net.inputSize();
    }

    /**
     * Per-sample gradient of CE(x_j, labels_j) with respect to x_j for n = labels.length samples
     * (sample-major, like x) into {@code out}; the predicted classes into {@code predicted} if not null.
     */
    public void gradient(double[] x, int[] labels, double[] out, int[] predicted) {
        int n = labels.length;
        Pass p = pass(n);
        net.sampleInputGradients(p, x, labels, path, out); // one hand-off to the kernel's threads
        if (predicted != null) {
            for (int j = 0; j < n; j++) {
                predicted[j] = p.predicted(j);
            }
        }
    }

    /**
     * Per-sample gradient of any loss of the logits (not the model's own loss) for n = labels.length
     * samples: each sample's loss into {@code losses}, its gradient with respect to x_j into
     * {@code out} (sample-major, not divided by n), the predicted classes into {@code predicted} if
     * not null. targets is null or one class per sample, passed through to the loss.
     */
    public void gradient(double[] x, int[] labels, int[] targets, LogitLoss loss, double[] out, double[] losses,
                         int[] predicted) {
        int n = labels.length;
        Pass p = pass(n);
        net.load(p, x, labels);
        net.forward(p);
        double[] z = p.logits().data;
        int classes = p.logits().getRowDim();
        double[] dz = p.delta(net.layerCount() - 1).data;
        for (int j = 0; j < n; j++) {
            losses[j] = loss.valueAndGradient(z, j * classes, classes, labels[j], targets == null ? -1 : targets[j], dz);
            if (predicted != null) {
                predicted[j] = p.predicted(j);
            }
        }
        net.dtype().round(dz); // a float32 network's deltas are float32, as its own loss writes them
        net.backward(p, path, null, true);
        System.arraycopy(p.inputGradient().data, 0, out, 0, out.length);
    }

    /** Logits of the n samples in x, sample-major (classes values per sample), in a new array. */
    public double[] logits(double[] x, int n) {
        Pass p = pass(n);
        net.load(p, x, new int[n]);
        net.forward(p);
        return p.logits().data.clone();
    }

    /** Predicted classes of the n samples in x under this source's model. */
    public void predict(double[] x, int[] predicted) {
        int n = predicted.length;
        Pass p = pass(n);
        net.load(p, x, new int[n]);
        net.forward(p);
        for (int j = 0; j < n; j++) {
            predicted[j] = p.predicted(j);
        }
    }

    private Pass pass(int n) {
        return passes.computeIfAbsent(n, net::newPass);
    }

    /** Predicted classes of n = predicted.length samples (sample-major x) under any model. */
    public static void predict(Mlp model, double[] x, int[] predicted) {
        int n = predicted.length;
        Pass p = model.pass(n);
        model.load(p, x, new int[n]);
        model.forward(p);
        for (int j = 0; j < n; j++) {
            predicted[j] = p.predicted(j);
        }
    }
}
