package dev.softalign.learn;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Loss;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Seeds;
import dev.softalign.io.IoFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Trains a network with one learning rule. With an output folder it writes config.json,
 * metrics.csv, timing.csv, model.safetensors and optimizer.safetensors after every epoch, each
 * atomically, and can resume from the last completed epoch bit for bit.
 */
public final class Trainer {

    private final TrainConfig config;
    private final Split data;
    private Path out;
    private boolean resume;
    private boolean overwrite;
    /** null: the command's kernel of the config's dtype (made only then: each kernel warms itself up). */
    private MatMul kernel;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private Trainer(TrainConfig config, Split data) {
        this.config = config.copy().validate();
        this.data = data;
    }

    public static Trainer of(TrainConfig config, Split data) {
        return new Trainer(config, data);
    }

    /** Write the run into this folder (none: keep it in memory). */
    public Trainer out(Path dir) {
        out = dir;
        return this;
    }

    public Trainer resume(boolean v) {
        resume = v;
        return this;
    }

    public Trainer overwrite(boolean v) {
        overwrite = v;
        return this;
    }

    /** Adds a listener; each hears the run in the order added. */
    public Trainer listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * The kernel (thread budget) the network's products run on; default: the command's, all
     * cores. A sweep gives each concurrent cell its share. The bits do not depend on it. A run
     * whose config asks for another dtype gets a kernel of that dtype with the same budget.
     */
    public Trainer kernel(MatMul k) {
        kernel = java.util.Objects.requireNonNull(k, "kernel");
        return this;
    }

    /** The initialised model on the command's kernel of the config's dtype ({@link MatMul#get(dev.softalign.nn.Dtype)}). */
    public static Mlp initialize(TrainConfig c, Dataset train) {
        return initialize(c, train, MatMul.get(c.precision()));
    }

    /**
     * The initialised model: forward weights, feedback by the rule, then the optional soft
     * alignment, on the kernel's thread budget in the config's dtype.
     */
    public static Mlp initialize(TrainConfig c, Dataset train, MatMul kernel) {
        kernel = kernel.withDtype(c.precision());
        c.checkFits(train.features(), train.classes());
        SplittableRandom rng = Seeds.stream(c.seed, Seeds.INIT, 0);
        int classes = train.classes();
        Mlp net = Mlp.create(Mlp.sizes(train.features(), c.depth, c.width, classes), Activation.parse(c.activation),
                Loss.parse(c.loss), rng, kernel);
        Rule.parse(c.rule, c.feedbackScale).initialize(net, rng);
        if (c.align != null) {
            Alignment.apply(net, c.align, Alignment.From.parse(c.alignFrom));
        }
        net.roundParameters(); // the rule drew B and the alignment mixed it in float64
        if (c.normalize) {
            // Sample by sample in order (the sums' bits), without making the whole array of a dataset of pixels.
            double[] x = new double[train.features()];
            long count = (long) train.size() * x.length;
            double mean = 0;
            for (int i = 0; i < train.size(); i++) {
                train.copySample(i, x, 0);
                for (double v : x) {
                    mean += v;
                }
            }
            mean /= count;
            double var = 0;
            for (int i = 0; i < train.size(); i++) {
                train.copySample(i, x, 0);
                for (double v : x) {
                    var += (v - mean) * (v - mean);
                }
            }
            net.normalize(new double[] {mean}, new double[] {Math.sqrt(var / count)});
        }
        return net;
    }

    /** Extra metrics.csv columns for this epoch: what every listener measures on the network as it stands. */
    private Map<String, Double> measure(Mlp net, int epoch) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (TrainingListener l : listeners) {
            m.putAll(l.measure(net, epoch));
        }
        return m;
    }

    /**
     * Trains. With an output folder the folder is locked for the run and every epoch is committed
     * as one checkpoint ({@link RunFolder}).
     *
     * @throws IllegalArgumentException if resume options do not fit the saved run
     * @throws dev.softalign.io.IoFailure if the folder holds another run, none to resume, or is in use
     */
    public TrainedModel run() {
        if (out == null) {
            return train(null);
        }
        if (resume && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite exclude each other: --resume continues the run in "
                    + out + ", --overwrite replaces it");
        }
        if (resume && !Files.isDirectory(out)) {
            throw new IoFailure(out + ": no such run folder to resume; run without --resume to start one");
        }
        try (RunFolder folder = RunFolder.open(out)) {
            return train(folder);
        }
    }

    private TrainedModel train(RunFolder folder) {
        if (data.train().size() == 0 || data.test().size() == 0) {
            throw new IllegalArgumentException("--dataset " + config.dataset + ": the " + (data.train().size() == 0
                    ? data.train().name() : data.test().name()) + " split holds no samples");
        }
        MatMul kernel = this.kernel == null ? MatMul.get(config.precision()) : this.kernel.withDtype(config.precision());
        Rule rule = Rule.parse(config.rule, config.feedbackScale);
        Optimizer opt = Optimizer.parse(config.optimizer, config.momentum, config.weightDecay, config.nesterov);
        Schedule schedule = Schedule.parse(config.schedule);
        Mlp net;
        List<EpochMetrics> history = new ArrayList<>();
        if (folder != null && resume) {
            if (!folder.hasRun()) {
                throw new IoFailure(out + ": holds no completed epoch to resume; run without --resume to start the run");
            }
            RunFolder.Checkpoint cp = folder.load(config);
            net = cp.net().kernel(kernel);
            opt.restore(cp.optimizerState(), cp.optimizerSteps());
            history.addAll(cp.history());
        } else {
            if (folder != null && folder.hasRun() && !overwrite) {
                throw new IoFailure(out + ": already holds a run; pass --resume to continue it, --overwrite to replace it, "
                        + "or another --out");
            }
            net = initialize(config, data.train(), kernel);
            Evaluation train = Evaluation.of(net, data.train());
            Evaluation test = Evaluation.of(net, data.test());
            history.add(new EpochMetrics(0, schedule.rate(config.lr, 0, 1), train.loss(), train.accuracy(), test.loss(),
                    test.accuracy(), net.feedbackAnglesDegrees(), 0, measure(net, 0)));
            if (folder != null) {
                folder.save(config, net, opt, history);
            }
        }
        int n = data.train().size();
        int stepsPerEpoch = (n + config.batch - 1) / config.batch;
        long totalSteps = (long) stepsPerEpoch * config.epochs;
        int first = history.get(history.size() - 1).epoch() + 1;
        for (TrainingListener l : listeners) {
            l.started(net, first, config.epochs, stepsPerEpoch);
        }
        Step step = new Step(net, rule, opt, config.clip, config.weightDecay);
        for (int epoch = first; epoch <= config.epochs; epoch++) {
            long start = System.nanoTime();
            int[] order = Seeds.permutation(n, Seeds.stream(config.seed, Seeds.SHUFFLE, epoch));
            SplittableRandom ruleRng = Seeds.stream(config.seed, Seeds.RULE, epoch);
            double lossSum = 0;
            long correct = 0;
            double lr = config.lr;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * config.batch;
                int b = Math.min(config.batch, n - from);
                lr = schedule.rate(config.lr, (long) (epoch - 1) * stepsPerEpoch + s, totalSteps);
                Pass p = net.pass(b);
                double loss = step.run(p, data.train(), order, from, lr, ruleRng);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDiverged("epoch " + epoch + ", step " + (s + 1) + ": loss is " + loss
                            + "; training stopped" + (folder == null ? "" : ", the last good checkpoint (epoch "
                            + (epoch - 1) + ") stays in " + folder.modelFile()) + "; try a smaller --lr or --clip");
                }
                lossSum += loss * b;
                correct += p.correct();
                for (int k = 0; k < listeners.size(); k++) { // indexed: no iterator per step
                    listeners.get(k).step(epoch, s + 1, loss);
                }
            }
            rule.settle(net);
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation test = Evaluation.of(net, data.test());
            EpochMetrics m = new EpochMetrics(epoch, lr, lossSum / n, (double) correct / n, test.loss(), test.accuracy(),
                    net.feedbackAnglesDegrees(), seconds, measure(net, epoch));
            history.add(m);
            if (folder != null) {
                folder.save(config, net, opt, history);
            }
            for (TrainingListener l : listeners) {
                l.epoch(m);
            }
        }
        for (TrainingListener l : listeners) {
            l.finished();
        }
        return new TrainedModel(net, config, history, out);
    }

    /**
     * One training step: the rule's backward path, optional clipping, the optimiser, the rule's update
     * of B. Whoever reads B between steps calls the rule's {@link Rule#settle} first (BP ties B to W
     * only then).
     */
    public static final class Step {

        private final Mlp net;
        private final Rule rule;
        private final Optimizer opt;
        private final double clip;
        private final double weightDecay;
        private final Gradients g;

        public Step(Mlp net, Rule rule, Optimizer opt, double clip, double weightDecay) {
            this.net = net;
            this.rule = rule;
            this.opt = opt;
            this.clip = clip;
            this.weightDecay = weightDecay;
            this.g = new Gradients(net);
        }

        /**
         * Trains on samples order[from .. from + p.n) and returns their mean loss before the update;
         * a non-finite loss returns at once with the parameters untouched.
         */
        public double run(Pass p, Dataset train, int[] order, int from, double lr, RandomGenerator ruleRng) {
            rule.beforeStep(net, ruleRng);
            // Two hand-offs to the kernel's threads: the samples' half of the step, then the
            // parameters' (each wakes the helpers, tens of microseconds on a virtual machine).
            double loss = net.forwardAndDeltas(p, train, order, from, rule.path());
            if (!Double.isFinite(loss)) {
                return loss;
            }
            if (clip > 0) { // the update waits for the whole gradient's norm
                net.gradients(p, g, null);
                double norm = g.norm();
                if (norm > clip) {
                    g.scale(clip / norm, net.dtype());
                }
                opt.step(net, g, lr);
            } else { // each range updated as soon as its gradient is computed
                net.gradients(p, g, opt.begin(net, lr));
            }
            rule.afterStep(net, g, lr, weightDecay); // a rule that writes B rounds it to the network's dtype
            return loss;
        }
    }
}
