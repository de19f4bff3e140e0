package dev.softalign.cli;

import dev.softalign.analysis.Landscape;
import dev.softalign.analysis.PacBayes;
import dev.softalign.analysis.Sharpness;
import dev.softalign.analysis.WeightNoise;
import dev.softalign.data.Dataset;
import dev.softalign.io.AtomicFiles;
import dev.softalign.nn.Mlp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "flatness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Flatness of a trained model's loss on --samples samples of --split: epsilon-sharpness (Keskar), "
                + "PAC-Bayes sigma (plain and magnitude-aware), loss under weight noise, 1D/2D filter-normalised landscapes.",
                "JSON keys: measure, model, split, samples, seconds, out (CSV written, or null), and per measure: "
                + "sharpness: loss, max_loss, sharpness, eps, steps; pacbayes: max_drop, draws, iterations, clean_accuracy, "
                + "plain and magnitude {sigma, sigma_above, accuracy}; noise: noise, draws, results [{sigma, loss_mean, "
                + "loss_sd, accuracy_mean, accuracy_sd}]; landscape1d/2d: points, range, loss_at_origin, min_loss, "
                + "max_loss, grid {alpha, beta (2D), loss, accuracy}.",
                "Example: softalign flatness --model runs/bp/model.safetensors --measure landscape2d --out surface.csv"})
final class FlatnessCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Option(names = "--measure", required = true, description = "sharpness, pacbayes, noise, landscape1d or landscape2d")
    String measure;
    @Mixin
    SubsetOptions subset;
    @Option(names = "--eps", description = "sharpness box: |y_i| <= eps (|w_i| + 1) (default " + Sharpness.DEFAULT_EPS + ")")
    Double eps;
    @Option(names = "--steps", description = "sharpness ascent steps (default " + Sharpness.DEFAULT_STEPS + ")")
    Integer steps;
    @Option(names = "--noise", description = "plain (w + sigma z) or magnitude (w + (sigma |w| + 1e-3) z); pacbayes does both unless given")
    String noise;
    @Option(names = "--sigmas", split = ",", description = "noise: sigmas (default: 0,0.01,0.02,0.05,0.1,0.2)")
    double[] sigmas;
    @Option(names = "--draws", description = "Monte-Carlo noise draws per sigma (default " + WeightNoise.DEFAULT_DRAWS + ")")
    Integer draws;
    @Option(names = "--max-drop", description = "pacbayes: allowed accuracy drop (default " + PacBayes.DEFAULT_MAX_DROP + ")")
    Double maxDrop;
    @Option(names = "--iterations", description = "pacbayes bisection steps (default " + PacBayes.DEFAULT_ITERATIONS + ")")
    Integer iterations;
    @Option(names = "--range", split = ",", description = "landscape: min,max of alpha (and beta) (default: -1,1)")
    double[] range;
    @Option(names = "--points", description = "landscape: grid points per axis (default " + Landscape.DEFAULT_POINTS_1D
            + " for 1D, " + Landscape.DEFAULT_POINTS_2D + " for 2D)")
    Integer points;
    @Option(names = "--out", description = "landscape or noise: write the grid as CSV (alpha[,beta],loss,accuracy)")
    Path out;
    @Option(names = "--seed", description = "noise draws and landscape directions (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print one JSON object (keys depend on --measure)")
    boolean json;

    /** The keys every measure prints. */
    record Header(String measure, String model, String split, int samples) {
    }

    record Footer(String out, double seconds) {
    }

    @Override
    public Integer call() {
        String m = measure.toLowerCase(Locale.ROOT);
        if (!List.of("sharpness", "pacbayes", "noise", "landscape1d", "landscape2d").contains(m)) {
            throw new IllegalArgumentException("--measure must be sharpness, pacbayes, noise, landscape1d or landscape2d, got '"
                    + measure + "'");
        }
        if (draws != null && draws < 1) {
            throw new IllegalArgumentException("--draws must be >= 1, got " + draws);
        }
        if (out != null && !m.startsWith("landscape") && !m.equals("noise")) {
            throw new IllegalArgumentException("--out applies to --measure noise, landscape1d and landscape2d");
        }
        Dataset data = subset.of(input);
        Mlp net = input.saved().net();
        long start = System.nanoTime();
        Object result = switch (m) {
            case "sharpness" -> sharpness(net, data);
            case "pacbayes" -> pacBayes(net, data);
            case "noise" -> noise(net, data);
            default -> landscape(net, data, m.equals("landscape2d"));
        };
        Footer footer = new Footer(out == null ? null : out.toString(), (System.nanoTime() - start) / 1e9);
        Header header = new Header(m, input.model.toString(), subset.split, data.size());
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Output.json(o, header, result, footer);
        } else {
            // People read every key but the grid (--out or --json has it).
            for (Map.Entry<String, com.google.gson.JsonElement> e : Output.merge(header, result, footer).entrySet()) {
                if (!e.getKey().equals("grid")) {
                    o.println(e.getKey() + ": " + e.getValue());
                }
            }
            o.flush();
        }
        return 0;
    }

    private Sharpness.Result sharpness(Mlp net, Dataset data) {
        Sharpness s = Sharpness.create();
        if (eps != null) {
            if (!(eps > 0)) {
                throw new IllegalArgumentException("--eps must be > 0, got " + eps);
            }
            s.eps(eps);
        }
        if (steps != null) {
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            }
            s.steps(steps);
        }
        return s.run(net, data);
    }

    private PacBayes.Result pacBayes(Mlp net, Dataset data) {
        PacBayes p = PacBayes.create().seed(seed);
        if (maxDrop != null) {
            if (!(maxDrop > 0 && maxDrop < 1)) {
                throw new IllegalArgumentException("--max-drop must be in (0, 1), got " + maxDrop);
            }
            p.maxDrop(maxDrop);
        }
        if (iterations != null) {
            if (iterations < 1) {
                throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
            }
            p.iterations(iterations);
        }
        if (draws != null) {
            p.draws(draws);
        }
        if (noise != null) {
            p.kinds(List.of(WeightNoise.Kind.parse(noise)));
        }
        return p.run(net, data);
    }

    private WeightNoise.Curve noise(Mlp net, Dataset data) {
        WeightNoise w = WeightNoise.create().kind(WeightNoise.Kind.parse(noise == null ? "plain" : noise)).seed(seed);
        if (sigmas != null) {
            for (double s : sigmas) {
                if (!(s >= 0) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException("--sigmas must be finite and >= 0, got " + s);
                }
            }
            w.sigmas(sigmas);
        }
        if (draws != null) {
            w.draws(draws);
        }
        WeightNoise.Curve c = w.run(net, data);
        if (out != null) {
            AtomicFiles.writeString(out, c.csv());
        }
        return c;
    }

    private Landscape.Result landscape(Mlp net, Dataset data, boolean twoD) {
        Landscape l = Landscape.create().twoDimensional(twoD).seed(seed);
        if (range != null) {
            if (range.length != 2 || !(range[0] < range[1])) {
                throw new IllegalArgumentException("--range must be min,max with min < max");
            }
            l.range(range[0], range[1]);
        }
        if (points != null) {
            if (points < 2 || points > 201) {
                throw new IllegalArgumentException("--points must be in 2..201, got " + points);
            }
            l.points(points);
        }
        Landscape.Result r = l.run(net, data);
        if (out != null) {
            r.surface().writeCsv(out);
        }
        return r;
    }
}
