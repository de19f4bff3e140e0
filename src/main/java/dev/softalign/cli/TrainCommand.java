package dev.softalign.cli;

import dev.softalign.analysis.GradientFlowLog;
import dev.softalign.analysis.SharpnessTrajectory;
import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.RunFolder;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.Mlp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP with one learning rule and write runs/<name>/ (config.json, metrics.csv, "
                + "timing.csv, model.safetensors, optimizer.safetensors).",
                "Example: softalign train --dataset fashion-mnist --rule fa --align 0.5 --depth 5 --epochs 10"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", description = "fashion-mnist, mnist, cifar10, blobs, teacher or fashion-mnist-small (bundled; default)")
    String dataset = Datasets.DEFAULT;
    @Option(names = "--rule", description = "bp, fa, dfa, usf, brsf, frsf or kp (default: ${DEFAULT-VALUE})")
    String rule = "bp";
    @Option(names = "--align", description = "one-time soft alignment: cos(B, W) at initialisation, in [0, 1] (fa, kp)")
    Double align;
    @Option(names = "--align-from", description = "forward (B set from W) or feedback (W set from B) (default: ${DEFAULT-VALUE})")
    String alignFrom = "forward";
    @Option(names = "--feedback-scale", description = "std multiplier of random feedback matrices (default: ${DEFAULT-VALUE})")
    double feedbackScale = 1.0;
    @Option(names = "--depth", description = "hidden layers (default: ${DEFAULT-VALUE})")
    int depth = 2;
    @Option(names = "--width", description = "units per hidden layer (default: ${DEFAULT-VALUE})")
    int width = 256;
    @Option(names = "--activation", description = "relu, tanh, sigmoid or identity (default: ${DEFAULT-VALUE})")
    String activation = "relu";
    @Option(names = "--loss", description = "cross-entropy or mse (default: ${DEFAULT-VALUE})")
    String loss = "cross-entropy";
    @Option(names = "--epochs", description = "0 saves the initialised model (default: ${DEFAULT-VALUE})")
    int epochs = 1;
    @Option(names = "--batch", description = "(default: ${DEFAULT-VALUE})")
    int batch = 128;
    @Option(names = "--optimizer", description = "sgd or adam (default: ${DEFAULT-VALUE})")
    String optimizer = "sgd";
    @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr = 0.01;
    @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum = 0.9;
    @Option(names = "--nesterov", description = "Nesterov momentum")
    boolean nesterov;
    @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = 0;
    @Option(names = "--schedule", description = "constant or cosine (default: ${DEFAULT-VALUE})")
    String schedule = "constant";
    @Option(names = "--clip", description = "largest global gradient norm, 0 for none (default: ${DEFAULT-VALUE})")
    double clip = 0;
    @Option(names = "--log-every", description = "every N epochs (and at 0), gradient-flow measures into metrics.csv; 0: off (default)")
    int logEvery = 0;
    @Option(names = "--sharpness", arity = "0..1", fallbackValue = "" + SharpnessTrajectory.DEFAULT_SAMPLES,
            paramLabel = "N", description = "after initialisation and every epoch, the top Hessian eigenvalue of the "
            + "loss on the first N training samples (N: ${FALLBACK-VALUE} if not given) into metrics.csv (column "
            + SharpnessTrajectory.COLUMN + ") and --json (key sharpness, with 2/lr and the step-to-step oscillation of "
            + "the training loss); 0: off (default)")
    int sharpness = 0;
    @Option(names = "--normalize", description = "normalise inputs by the training set's mean and std (a model layer)")
    boolean normalize;
    @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--save-dtype", description = "f64 (default, bit-exact) or f32 precision of model.safetensors "
            + "(a --dtype f32 run saves f32, exactly)")
    String saveDtype = "f64";
    @Option(names = "--dtype", description = "f64 (default) or f32: the precision the network computes in")
    String dtype = "f64";
    @Option(names = "--out", description = "run folder (default: runs/<rule>-d<depth>[-a<align>]-s<seed>)")
    Path out;
    @Option(names = "--resume", description = "continue the run in --out from its last completed epoch")
    boolean resume;
    @Option(names = "--overwrite", description = "replace a run already in --out")
    boolean overwrite;
    @Option(names = "--json", description = "print a JSON summary instead of progress lines")
    boolean json;

    TrainConfig config() {
        return TrainConfig.defaults().logEvery(logEvery).dataset(dataset).rule(rule).align(align).alignFrom(alignFrom)
                .feedbackScale(feedbackScale).depth(depth).width(width).activation(activation).loss(loss)
                .epochs(epochs).batch(batch).optimizer(optimizer).lr(lr).momentum(momentum).nesterov(nesterov)
                .weightDecay(weightDecay).schedule(schedule).clip(clip).normalize(normalize).seed(seed)
                .saveDtype(saveDtype.toUpperCase(java.util.Locale.ROOT)).dtype(DtypeOption.parse(dtype).name()).validate();
    }

    @Override
    public Integer call() {
        long called = System.nanoTime();
        TrainConfig c = config();
        if (sharpness < 0) {
            throw new IllegalArgumentException("--sharpness must be >= 0 samples, got " + sharpness);
        }
        Path dir = out != null ? out : Path.of("runs", rule + "-d" + depth + (align == null ? "" : "-a" + align) + "-s" + seed);
        Split data = Datasets.load(dataset);
        long loaded = System.nanoTime();
        PrintWriter o = spec.commandLine().getOut();
        Integer done = resume ? RunFolder.committedEpoch(dir) : null;
        SharpnessTrajectory trajectory = sharpness == 0 ? null : new SharpnessTrajectory(
                data.train().first(Math.min(sharpness, data.train().size())), c.lr, c.momentum).seed(c.seed);
        long[] started = {0};
        TrainedModel run = Trainer.of(c, data).out(dir).resume(resume).overwrite(overwrite)
                .listener(GradientFlowLog.of(c, data)).listener(trajectory == null ? TrainingListener.SILENT : trajectory)
                .listener(json ? TrainingListener.SILENT : new Progress(o))
                .listener(new TrainingListener() {
                    @Override
                    public void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
                        started[0] = System.nanoTime();
                    }
                }).run();
        Timing t = Timing.of(jvmSeconds(called), (loaded - called) / 1e9, (started[0] - loaded) / 1e9,
                run.history().stream().filter(m -> m.epoch() > (done == null ? 0 : done)).mapToDouble(EpochMetrics::seconds)
                        .toArray());
        if (json) {
            var last = run.last();
            Summary summary = new Summary(dir.toString(), last.epoch(), last.trainLoss(), last.trainAccuracy(),
                    last.testLoss(), last.testAccuracy(), last.anglesDegrees());
            if (trajectory == null) {
                Output.json(o, summary, t);
            } else {
                Output.json(o, summary, new Sharpness(trajectory.result()), t);
            }
        } else if (done != null && done >= c.epochs) {
            o.println("nothing to train: " + dir + " has completed all " + c.epochs + " epochs (pass a larger --epochs "
                    + "to train on)");
        } else {
            if (trajectory != null) {
                SharpnessTrajectory.Result r = trajectory.result();
                o.println("top Hessian eigenvalue per epoch (first " + r.samples() + " training samples): "
                        + Arrays.toString(r.topEigenvalues()) + "; 2/lr = " + Output.fmt(r.edgeOfStability())
                        + "; loss oscillation (mean |delta ln loss| per step) " + Output.fmt(r.meanLossOscillation()));
            }
            o.println("saved " + dir.resolve("model.safetensors"));
            o.println(t);
        }
        return 0;
    }

    /** The --json key sharpness: the trajectory of {@code --sharpness}. */
    record Sharpness(SharpnessTrajectory.Result sharpness) {
    }

    /** Seconds from the process's start (the launcher's, which execs the JVM) to {@code now}, 0 if unknown. */
    static double jvmSeconds(long now) {
        java.util.OptionalDouble age = ProcessAge.seconds();
        return age.isPresent() ? Math.max(0, age.getAsDouble() - (System.nanoTime() - now) / 1e9) : 0;
    }

    /** The --json summary: the run folder and the last epoch's metrics. */
    record Summary(String out, int epochs, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
            double[] anglesDegrees) {
    }

    /**
     * Where the process's time went: start-up (the JVM and launcher, decoding the dataset, making the
     * model and evaluating it as epoch 0) apart from the epochs trained, so a slow start is not
     * mistaken for slow training, nor the other way round. The first epoch includes the JIT's
     * compiling of the kernel; later epochs are the steady state.
     */
    record Timing(double startupSeconds, double jvmSeconds, double dataSeconds, double setupSeconds,
            double[] epochSeconds) {

        static Timing of(double jvm, double data, double setup, double[] epochs) {
            return new Timing(jvm + data + setup, jvm, data, setup, epochs);
        }

        @Override
        public String toString() {
            String s = String.format(java.util.Locale.ROOT, "time: start-up %.1f s (JVM %.1f s, dataset %.1f s, model and "
                    + "epoch-0 evaluation %.1f s)", startupSeconds, jvmSeconds, dataSeconds, setupSeconds);
            if (epochSeconds.length == 1) {
                s += String.format(java.util.Locale.ROOT, ", 1 epoch %.1f s", epochSeconds[0]);
            } else if (epochSeconds.length > 1) {
                double later = java.util.Arrays.stream(epochSeconds, 1, epochSeconds.length).average().orElseThrow();
                s += String.format(java.util.Locale.ROOT, ", first epoch %.1f s, later epochs %.1f s each",
                        epochSeconds[0], later);
            }
            return s;
        }
    }

    /** A progress bar on a terminal, one line per epoch otherwise. */
    static final class Progress implements TrainingListener {

        private final PrintWriter out;
        private final boolean terminal = System.console() != null;
        private ProgressBar bar;
        private int stepsPerEpoch;

        Progress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void started(Mlp net, int firstEpoch, int lastEpoch, int steps) {
            stepsPerEpoch = steps;
            out.println(net + ", kernel " + net.kernel().name() + ", epochs " + firstEpoch + ".." + lastEpoch);
            out.flush();
        }

        @Override
        public void step(int epoch, int step, double loss) {
            if (!terminal) {
                return;
            }
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(stepsPerEpoch)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.out)).build();
            }
            bar.stepTo(step);
            bar.setExtraMessage(String.format("loss %.4f", loss));
        }

        @Override
        public void epoch(EpochMetrics m) {
            if (bar != null) {
                bar.close();
                bar = null;
                System.out.flush();
            }
            out.println(m);
            out.flush();
        }
    }
}
