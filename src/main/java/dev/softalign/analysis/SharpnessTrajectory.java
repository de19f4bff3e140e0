package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sharpness along the training trajectory, the optimisation-dynamics reading of "smoother
 * gradient flow": after initialisation (epoch 0) and after every epoch, the top eigenvalue of the
 * Hessian of the true mean loss on a fixed subset (Lanczos over the Hessian-vector product), read
 * against the edge of stability 2/lr (Cohen et al. 2021: full-batch gradient descent is stable on
 * a quadratic only while the top eigenvalue stays below 2/lr; heavy-ball momentum beta moves the
 * bound to (2 + 2 beta)/lr); and the step-to-step oscillation of the mini-batch training loss.
 *
 * <p>Oscillation is the mean, over consecutive optimisation steps, of |ln L_t - ln L_(t-1)|, the
 * typical relative change of the mini-batch loss from one step to the next. Relative because the
 * rules end at losses orders of magnitude apart, and an absolute |delta L| would rank them by loss
 * level, not by how much the loss jumps; a size rather than the fraction of steps where the loss
 * rises because, with a different mini-batch at every step, that fraction sits near one half for
 * smooth and violent training alike and cannot tell them apart. A pair counts in the epoch of its
 * later step. Consecutive steps see different mini-batches, so the measure holds sampling noise as
 * well as the optimiser's own swings, and that noise grows relative to the loss as the loss falls:
 * compare rules at similar training loss, or read it with the loss beside it.
 *
 * <p>A {@link TrainingListener}: whoever trains adds it (the gradflow experiment, {@code train
 * --sharpness}); the eigenvalue also lands in metrics.csv as the column {@value #COLUMN}.
 */
public final class SharpnessTrajectory implements TrainingListener {

    /** The subset the issue fixes: the first 1000 training samples. */
    public static final int DEFAULT_SAMPLES = 1000;
    /**
     * Lanczos stops when the top residual falls below tol x |eigenvalue|; the eigenvalue's error is
     * at most the residual (Bauer-Fike) and in practice its square over the spectral gap, far below
     * what separates conditions or epochs, at 4 to 8 products per epoch on a trained network.
     */
    public static final double DEFAULT_TOL = 1e-2;
    public static final int DEFAULT_MAX_STEPS = 100;
    /** The metrics.csv column. */
    public static final String COLUMN = "top_eigenvalue";

    /**
     * Per epoch (index = epoch, 0 = as initialised): the top eigenvalue, its Lanczos residual and
     * steps, and the loss oscillation (NaN at epoch 0, before any step); then the oscillation over
     * the whole run, the edge of stability 2/lr and its momentum bound (2 + 2 beta)/lr.
     */
    public record Result(int samples, double edgeOfStability, double momentumEdge, double[] topEigenvalues,
            double[] residuals, int[] lanczosSteps, double[] lossOscillation, double meanLossOscillation) {
    }

    private final Dataset subset;
    private final double lr;
    private final double momentum;
    private double tol = DEFAULT_TOL;
    private int maxSteps = DEFAULT_MAX_STEPS;
    private long seed = 1;

    private final List<Lanczos.Result> eigen = new ArrayList<>();
    private final List<double[]> oscillation = new ArrayList<>(); // per epoch: sum, pairs
    private double previousLoss = Double.NaN;

    /** Measures on subset (fixed for the whole run) for a run at learning rate lr and momentum (0: plain SGD). */
    public SharpnessTrajectory(Dataset subset, double lr, double momentum) {
        if (subset.size() < 1) {
            throw new IllegalArgumentException("sharpness along training needs at least one sample");
        }
        this.subset = subset;
        this.lr = lr;
        this.momentum = momentum;
    }

    public SharpnessTrajectory tol(double t) {
        tol = t;
        return this;
    }

    public SharpnessTrajectory maxSteps(int m) {
        maxSteps = m;
        return this;
    }

    /** Seeds every epoch's Lanczos start, so the trajectory is the same bytes at every run. */
    public SharpnessTrajectory seed(long s) {
        seed = s;
        return this;
    }

    /** The top eigenvalue of the Hessian of the mean loss over subset at net's parameters (Lanczos, top 1). */
    public Lanczos.Result top(Mlp net) {
        return Lanczos.create().top(1).tol(tol).maxSteps(maxSteps).seed(seed).run(Hessian.of(net, subset));
    }

    @Override
    public Map<String, Double> measure(Mlp net, int epoch) {
        Lanczos.Result r = top(net);
        while (eigen.size() <= epoch) {
            eigen.add(null); // a resumed run starts past epoch 0: earlier epochs are not measured here
        }
        eigen.set(epoch, r);
        return Map.of(COLUMN, r.top()[0]);
    }

    @Override
    public void step(int epoch, int step, double loss) {
        double now = Math.log(loss);
        if (!Double.isNaN(previousLoss)) {
            while (oscillation.size() <= epoch) {
                oscillation.add(new double[2]);
            }
            oscillation.get(epoch)[0] += Math.abs(now - previousLoss);
            oscillation.get(epoch)[1]++;
        }
        previousLoss = now;
    }

    /** What was measured so far (all of it once training ended); epochs not measured are NaN. */
    public Result result() {
        int epochs = Math.max(eigen.size(), oscillation.size());
        double[] top = new double[epochs];
        double[] residual = new double[epochs];
        int[] steps = new int[epochs];
        double[] osc = new double[epochs];
        double sum = 0;
        double pairs = 0;
        for (int e = 0; e < epochs; e++) {
            Lanczos.Result r = e < eigen.size() ? eigen.get(e) : null;
            top[e] = r == null ? Double.NaN : r.top()[0];
            residual[e] = r == null ? Double.NaN : r.topResiduals()[0];
            steps[e] = r == null ? 0 : r.steps();
            double[] o = e < oscillation.size() ? oscillation.get(e) : new double[2];
            osc[e] = o[1] == 0 ? Double.NaN : o[0] / o[1];
            sum += o[0];
            pairs += o[1];
        }
        return new Result(subset.size(), 2 / lr, (2 + 2 * momentum) / lr, top, residual, steps, osc,
                pairs == 0 ? Double.NaN : sum / pairs);
    }
}
