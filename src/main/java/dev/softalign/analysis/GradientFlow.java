package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Vectors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.ojalgo.matrix.store.R064Store;

/**
 * How the error flows backwards through a network, along the true path (W^T) and along a rule's
 * path (B^T, or direct feedback), on a fixed data subset:
 * <ul>
 * <li>per layer, the norm of the true gradient and of the rule's update (weights and bias of the
 * layer together) and the cosine between them;</li>
 * <li>per layer, the size of the backward signal: the mean over samples of the per-sample
 * ||d loss_j / d a_l|| (pre-activation of layer l), for both paths;</li>
 * <li>per layer, singular values of the error-propagation Jacobian J_l (in_l x classes) that maps
 * the output error to the signal entering layer l's input: J_{L-1} = M_{L-1}^T and
 * J_l = M_l^T D_l J_{l+1}, with M = W (true) or B (rule), D_l = diag f'(a_l) of the sample. Direct
 * feedback sends the error straight down: J_l = B_l^T. Summarised over samples.</li>
 * <li>the angle between B_l and W_l.</li>
 * </ul>
 */
public final class GradientFlow {

    /** Singular values of J_l over samples: per index mean and std, condition number of the means. */
    public record JacobianSpectrum(double[] mean, double[] std, double condition) {

        /** Mean over samples of the largest singular value. */
        public double max() {
            return mean.length == 0 ? Double.NaN : mean[0];
        }
    }

    /** Per-layer arrays (index = layer). */
    public record Summary(double[] trueGradNorm, double[] ruleUpdateNorm, double[] cosine, double[] deltaNormTrue,
            double[] deltaNormRule, JacobianSpectrum[] jacobianTrue, JacobianSpectrum[] jacobianRule,
            double[] anglesDegrees, double loss, int samples, int jacobianSamples, BackwardPath path) {

        /** Flat metrics for metrics.csv; the key set depends only on the layer count. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < trueGradNorm.length; i++) {
                m.put("grad_norm_true_" + i, trueGradNorm[i]);
                m.put("grad_norm_rule_" + i, ruleUpdateNorm[i]);
                m.put("grad_cos_" + i, cosine[i]);
                m.put("delta_norm_true_" + i, deltaNormTrue[i]);
                m.put("delta_norm_rule_" + i, deltaNormRule[i]);
                m.put("jac_sv_max_true_" + i, jacobianTrue[i].max());
                m.put("jac_sv_max_rule_" + i, jacobianRule[i].max());
                m.put("jac_cond_true_" + i, jacobianTrue[i].condition());
                m.put("jac_cond_rule_" + i, jacobianRule[i].condition());
            }
            return m;
        }
    }

    public static final int DEFAULT_JACOBIAN_SAMPLES = 100;

    private GradientFlow() {
    }

    /** The same keys as {@link Summary#metrics()}, all NaN: rows of epochs that were not measured. */
    public static Map<String, Double> missing(int layers) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < layers; i++) {
            for (String k : new String[] {"grad_norm_true_", "grad_norm_rule_", "grad_cos_", "delta_norm_true_",
                "delta_norm_rule_", "jac_sv_max_true_", "jac_sv_max_rule_", "jac_cond_true_", "jac_cond_rule_"}) {
                m.put(k + i, Double.NaN);
            }
        }
        return m;
    }

    public static Summary of(Mlp net, BackwardPath rulePath, Dataset subset) {
        return of(net, rulePath, subset, DEFAULT_JACOBIAN_SAMPLES);
    }

    /**
     * Gradient-flow summary of net on every sample of subset (one batch), with Jacobian singular
     * values on its first jacobianSamples samples. The network is copied, never changed.
     */
    public static Summary of(Mlp source, BackwardPath rulePath, Dataset subset, int jacobianSamples) {
        if (subset.size() < 1) {
            throw new IllegalArgumentException("gradient flow needs at least one sample");
        }
        if (jacobianSamples < 0) {
            throw new IllegalArgumentException("Jacobian samples must be >= 0, got " + jacobianSamples);
        }
        Mlp net = source.copy();
        int layers = net.layerCount();
        int n = subset.size();
        Pass p = net.pass(n);
        double loss = net.forward(p, subset, null, 0);
        Gradients gt = new Gradients(net);
        Gradients gr = new Gradients(net);
        net.backward(p, BackwardPath.TRUE, gt, false);
        double[] deltaTrue = deltaNorms(p, layers);
        net.backward(p, rulePath, gr, false);
        double[] deltaRule = deltaNorms(p, layers);
        double[] normT = new double[layers];
        double[] normR = new double[layers];
        double[] cos = new double[layers];
        double[] flatT = gt.toFlat();
        double[] flatR = gr.toFlat();
        for (int i = 0; i < layers; i++) {
            int from = net.layout().weightOffset(i);
            int to = from + net.layout().layerSize(i);
            double[] t = Arrays.copyOfRange(flatT, from, to);
            double[] r = Arrays.copyOfRange(flatR, from, to);
            normT[i] = Vectors.norm(t);
            normR[i] = Vectors.norm(r);
            cos[i] = Vectors.cosine(t, r);
        }
        int js = Math.min(jacobianSamples, n);
        return new Summary(normT, normR, cos, deltaTrue, deltaRule, spectra(net, p, BackwardPath.TRUE, js),
                spectra(net, p, rulePath, js), net.feedbackAnglesDegrees(), loss, n, js, rulePath);
    }

    /** Mean over samples of n * ||delta_l[:, j]||: the per-sample loss's gradient at a_l. */
    private static double[] deltaNorms(Pass p, int layers) {
        double[] out = new double[layers];
        for (int i = 0; i < layers; i++) {
            R064Store d = p.delta(i);
            int rows = d.getRowDim();
            double s = 0;
            for (int j = 0; j < p.n; j++) {
                double q = 0;
                for (int r = 0; r < rows; r++) {
                    double v = d.data[j * rows + r];
                    q += v * v;
                }
                s += Math.sqrt(q);
            }
            out[i] = s; // (sum_j n ||col_j||) / n
        }
        return out;
    }

    /** Per layer, singular values of J_l on the first count samples of the pass. */
    private static JacobianSpectrum[] spectra(Mlp net, Pass p, BackwardPath path, int count) {
        int layers = net.layerCount();
        int classes = net.outputSize();
        R064Store[] j = buffers(net);
        R064Store[] tmp = buffers(net);
        double[][] sum = new double[layers][];
        double[][] sumSq = new double[layers][];
        for (int i = 0; i < layers; i++) {
            int k = Math.min(net.layer(i).in(), classes);
            sum[i] = new double[k];
            sumSq[i] = new double[k];
        }
        for (int s = 0; s < count; s++) {
            jacobians(net, path, p, s, j, tmp);
            for (int i = 0; i < layers; i++) {
                double[] sv = singularValues(j[i]);
                for (int k = 0; k < sv.length; k++) {
                    sum[i][k] += sv[k];
                    sumSq[i][k] += sv[k] * sv[k];
                }
            }
        }
        JacobianSpectrum[] out = new JacobianSpectrum[layers];
        for (int i = 0; i < layers; i++) {
            int k = sum[i].length;
            double[] mean = new double[k];
            double[] std = new double[k];
            for (int q = 0; q < k; q++) {
                mean[q] = count == 0 ? Double.NaN : sum[i][q] / count;
                std[q] = count == 0 ? Double.NaN : Math.sqrt(Math.max(0, sumSq[i][q] / count - mean[q] * mean[q]));
            }
            out[i] = new JacobianSpectrum(mean, std, condition(mean));
        }
        return out;
    }

    /** Largest over smallest non-zero mean singular value (non-zero: above 1e-12 of the largest). */
    static double condition(double[] mean) {
        if (mean.length == 0 || !(mean[0] > 0)) {
            return Double.NaN;
        }
        double min = mean[0];
        for (double v : mean) {
            if (v > 1e-12 * mean[0]) {
                min = Math.min(min, v);
            }
        }
        return mean[0] / min;
    }

    private static R064Store[] buffers(Mlp net) {
        R064Store[] b = new R064Store[net.layerCount()];
        for (int i = 0; i < b.length; i++) {
            b[i] = R064Store.FACTORY.make(net.layer(i).in(), net.outputSize());
        }
        return b;
    }

    /**
     * J_l for sample s of the pass, into j[l] (in_l x classes); tmp has the same shapes. Products
     * go through the network's matrix kernel.
     */
    private static void jacobians(Mlp net, BackwardPath path, Pass p, int s, R064Store[] j, R064Store[] tmp) {
        int last = net.layerCount() - 1;
        for (int i = last; i >= 0; i--) {
            R064Store below = null;
            if (i < last) {
                // tmp[i+1] = D_i J_{i+1}: row r of J_{i+1} scaled by f'(a_i[r, s]).
                R064Store next = j[i + 1];
                below = tmp[i + 1];
                int rows = next.getRowDim();
                double[] a = p.preActivation(i).data;
                for (int c = 0; c < next.getColDim(); c++) {
                    for (int r = 0; r < rows; r++) {
                        below.data[c * rows + r] = net.activation().derivative(a[s * rows + r]) * next.data[c * rows + r];
                    }
                }
            }
            path.jacobian(net, i, below, j[i]);
        }
    }

    private static double[] singularValues(R064Store m) {
        int rows = m.getRowDim();
        int cols = m.getColDim();
        double[][] a = new double[rows][cols];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                a[r][c] = m.data[c * rows + r];
            }
        }
        return new SingularValueDecomposition(new Array2DRowRealMatrix(a, false)).getSingularValues();
    }

    /**
     * The error-propagation Jacobians of one sample (features in [0,1], as in a dataset) along a
     * path: result[l] is J_l as a dense in_l x classes array (rows of J).
     */
    public static double[][][] jacobian(Mlp source, BackwardPath path, double[] sample) {
        Mlp net = source.copy();
        Pass p = net.pass(1);
        net.load(p, sample, new int[] {0});
        net.forward(p);
        R064Store[] j = buffers(net);
        jacobians(net, path, p, 0, j, buffers(net));
        double[][][] out = new double[j.length][][];
        for (int i = 0; i < j.length; i++) {
            int rows = j[i].getRowDim();
            int cols = j[i].getColDim();
            out[i] = new double[rows][cols];
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < rows; r++) {
                    out[i][r][c] = j[i].data[c * rows + r];
                }
            }
        }
        return out;
    }

    /** Singular values (descending) of a dense matrix given as rows. */
    public static double[] singularValues(double[][] rows) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(rows, true)).getSingularValues();
    }
}
