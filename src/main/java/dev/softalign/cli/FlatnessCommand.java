package dev.softalign.cli;

import dev.softalign.analysis.Landscape;
import dev.softalign.analysis.Sharpness;
import dev.softalign.analysis.WeightNoise;
import dev.softalign.data.Dataset;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Mlp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
                "Example: softalign flatness --model runs/bp/model.safetensors --measure landscape2d --out surface.csv"})
final class FlatnessCommand implements Callable<Integer> {

    static final int DIRECTIONS = 401;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Option(names = "--measure", required = true, description = "sharpness, pacbayes, noise, landscape1d or landscape2d")
    String measure;
    @Mixin
    SubsetOptions subset;
    @Option(names = "--eps", description = "sharpness box: |y_i| <= eps (|w_i| + 1) (default: ${DEFAULT-VALUE})")
    double eps = Sharpness.DEFAULT_EPS;
    @Option(names = "--steps", description = "sharpness ascent steps (default: ${DEFAULT-VALUE})")
    int steps = Sharpness.DEFAULT_STEPS;
    @Option(names = "--noise", description = "plain (w + sigma z) or magnitude (w + (sigma |w| + 1e-3) z); pacbayes does both unless given")
    String noise;
    @Option(names = "--sigmas", split = ",", description = "noise: sigmas (default: 0,0.01,0.02,0.05,0.1,0.2)")
    double[] sigmas = {0, 0.01, 0.02, 0.05, 0.1, 0.2};
    @Option(names = "--draws", description = "Monte-Carlo noise draws per sigma (default: ${DEFAULT-VALUE})")
    int draws = 5;
    @Option(names = "--max-drop", description = "pacbayes: allowed accuracy drop (default: ${DEFAULT-VALUE})")
    double maxDrop = 0.1;
    @Option(names = "--iterations", description = "pacbayes bisection steps (default: ${DEFAULT-VALUE})")
    int iterations = 12;
    @Option(names = "--range", split = ",", description = "landscape: min,max of alpha (and beta) (default: -1,1)")
    double[] range = {-1, 1};
    @Option(names = "--points", description = "landscape: grid points per axis (default: 21 for 1D, 11 for 2D)")
    Integer points;
    @Option(names = "--out", description = "landscape or noise: write the grid as CSV (alpha[,beta],loss,accuracy)")
    Path out;
    @Option(names = "--seed", description = "noise draws and landscape directions (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print one JSON object (keys depend on --measure)")
    boolean json;

    @Override
    public Integer call() {
        String m = measure.toLowerCase(Locale.ROOT);
        if (!List.of("sharpness", "pacbayes", "noise", "landscape1d", "landscape2d").contains(m)) {
            throw new IllegalArgumentException("--measure must be sharpness, pacbayes, noise, landscape1d or landscape2d, got '"
                    + measure + "'");
        }
        if (draws < 1) {
            throw new IllegalArgumentException("--draws must be >= 1, got " + draws);
        }
        if (out != null && !m.startsWith("landscape") && !m.equals("noise")) {
            throw new IllegalArgumentException("--out applies to --measure noise, landscape1d and landscape2d");
        }
        Dataset data = subset.of(input);
        Mlp net = input.saved().net();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measure", m);
        r.put("model", input.model.toString());
        r.put("split", subset.split);
        r.put("samples", data.size());
        long start = System.nanoTime();
        switch (m) {
            case "sharpness" -> sharpness(net, data, r);
            case "pacbayes" -> pacBayes(net, data, r);
            case "noise" -> noise(net, data, r);
            default -> landscape(net, data, m.equals("landscape2d"), r);
        }
        r.put("seconds", (System.nanoTime() - start) / 1e9);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Output.json(o, r);
        } else {
            for (Map.Entry<String, Object> e : r.entrySet()) {
                if (!e.getKey().equals("grid")) {
                    o.println(e.getKey() + ": " + text(e.getValue()));
                }
            }
            o.flush();
        }
        return 0;
    }

    private static String text(Object v) {
        return v instanceof double[] d ? Arrays.toString(d) : String.valueOf(v);
    }

    private void sharpness(Mlp net, Dataset data, Map<String, Object> r) {
        if (!(eps > 0) || steps < 1) {
            throw new IllegalArgumentException("--eps must be > 0 and --steps >= 1");
        }
        Sharpness.Result s = Sharpness.of(net, data, eps, steps);
        r.put("eps", eps);
        r.put("steps", steps);
        r.put("loss", s.loss());
        r.put("max_loss", s.maxLoss());
        r.put("sharpness", s.sharpness());
    }

    private void pacBayes(Mlp net, Dataset data, Map<String, Object> r) {
        if (!(maxDrop > 0 && maxDrop < 1) || iterations < 1) {
            throw new IllegalArgumentException("--max-drop must be in (0, 1) and --iterations >= 1");
        }
        r.put("max_drop", maxDrop);
        r.put("draws", draws);
        List<WeightNoise.Kind> kinds = noise == null ? List.of(WeightNoise.Kind.values())
                : List.of(WeightNoise.Kind.parse(noise));
        for (WeightNoise.Kind k : kinds) {
            WeightNoise.Flatness f = WeightNoise.pacBayes(net, data, k, maxDrop, draws, iterations, seed);
            r.putIfAbsent("clean_accuracy", f.cleanAccuracy());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("sigma", f.sigma());
            e.put("sigma_above", f.sigmaAbove());
            e.put("accuracy", f.accuracyAtSigma());
            r.put(k.id(), e);
        }
    }

    private void noise(Mlp net, Dataset data, Map<String, Object> r) {
        for (double s : sigmas) {
            if (!(s >= 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("--sigmas must be finite and >= 0, got " + s);
            }
        }
        WeightNoise.Kind k = WeightNoise.Kind.parse(noise == null ? "plain" : noise);
        List<WeightNoise.Stat> curve = WeightNoise.curve(net, data, k, sigmas, draws, seed);
        r.put("noise", k.id());
        r.put("draws", draws);
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder("sigma,loss_mean,loss_sd,accuracy_mean,accuracy_sd\n");
        for (WeightNoise.Stat s : curve) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("sigma", s.sigma());
            e.put("loss_mean", s.lossMean());
            e.put("loss_sd", s.lossSd());
            e.put("accuracy_mean", s.accuracyMean());
            e.put("accuracy_sd", s.accuracySd());
            rows.add(e);
            csv.append(s.sigma()).append(',').append(s.lossMean()).append(',').append(s.lossSd()).append(',')
                    .append(s.accuracyMean()).append(',').append(s.accuracySd()).append('\n');
        }
        r.put("results", rows);
        if (out != null) {
            dev.softalign.io.AtomicFiles.writeString(out, csv.toString());
            r.put("out", out.toString());
        }
    }

    private void landscape(Mlp net, Dataset data, boolean twoD, Map<String, Object> r) {
        if (range.length != 2 || !(range[0] < range[1])) {
            throw new IllegalArgumentException("--range must be min,max with min < max");
        }
        int n = points != null ? points : twoD ? 11 : 21;
        if (n < 2 || n > 201) {
            throw new IllegalArgumentException("--points must be in 2..201, got " + n);
        }
        double[] grid = Landscape.grid(range[0], range[1], n);
        double[] d1 = Landscape.filterNormalizedDirection(net, Seeds.stream(seed, DIRECTIONS, 0));
        Landscape.Surface s;
        if (twoD) {
            double[] d2 = Landscape.filterNormalizedDirection(net, Seeds.stream(seed, DIRECTIONS, 1));
            s = Landscape.plane(net, data, d1, d2, grid, grid);
        } else {
            s = Landscape.line(net, data, d1, grid);
        }
        r.put("points", n);
        r.put("range", range);
        r.put("loss_at_origin", s.lossAtOrigin());
        r.put("min_loss", s.minLoss());
        r.put("max_loss", s.maxLoss());
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("alpha", s.alphas());
        if (twoD) {
            g.put("beta", s.betas());
            g.put("loss", s.loss());
            g.put("accuracy", s.accuracy());
        } else {
            g.put("loss", column(s.loss()));
            g.put("accuracy", column(s.accuracy()));
        }
        r.put("grid", g);
        if (out != null) {
            s.writeCsv(out);
            r.put("out", out.toString());
        }
    }

    private static double[] column(double[][] m) {
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][0];
        }
        return c;
    }
}
