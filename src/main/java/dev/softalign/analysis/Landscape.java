package dev.softalign.analysis;

import com.google.gson.JsonDeserializationContext;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import com.google.gson.annotations.JsonAdapter;
import dev.softalign.data.Dataset;
import dev.softalign.io.AtomicFiles;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Vectors;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Loss landscapes (Li et al. 2018): loss and accuracy at w + alpha d1 (+ beta d2) on a grid,
 * along filter-normalised random directions. For a dense layer a "filter" is one neuron's incoming
 * weight row, so each row of a Gaussian direction is rescaled to the norm of the same row of W;
 * biases get a zero direction (Li et al.'s default of ignoring them). Computing is separate from plotting:
 * {@link Surface} is plain data with a CSV writer. Settings for a surface along seeded directions
 * are fluent with defaults here; {@link #run} returns a {@link Result}.
 */
public final class Landscape {

    /** Seed purpose of the random directions: direction k is drawn from Seeds.stream(seed, DIRECTIONS, k). */
    static final int DIRECTIONS = 401;
    public static final double DEFAULT_MIN = -1;
    public static final double DEFAULT_MAX = 1;
    /** Grid points per axis: a line is cheap, a plane costs the square. */
    public static final int DEFAULT_POINTS_1D = 21;
    public static final int DEFAULT_POINTS_2D = 11;

    /**
     * The grid in JSON: a line's loss and accuracy are one value per alpha, a plane's one row per
     * alpha; read back as a plane when it has beta.
     */
    @JsonAdapter(GridJson.class)
    public sealed interface Grid permits Line, Plane {
    }

    static final class GridJson implements JsonSerializer<Grid>, JsonDeserializer<Grid> {
        @Override
        public JsonElement serialize(Grid g, Type type, JsonSerializationContext context) {
            return context.serialize(g, g.getClass());
        }

        @Override
        public Grid deserialize(JsonElement json, Type type, JsonDeserializationContext context) {
            boolean plane = json.isJsonObject() && json.getAsJsonObject().has("beta");
            return context.deserialize(json, plane ? Plane.class : Line.class);
        }
    }

    public record Line(double[] alpha, double[] loss, double[] accuracy) implements Grid {
    }

    public record Plane(double[] alpha, double[] beta, double[][] loss, double[][] accuracy) implements Grid {
    }

    /** A computed surface: grid points per axis, the range, summaries and the grid. */
    public record Result(int points, double[] range, double lossAtOrigin, double minLoss, double maxLoss, Grid grid) {

        /** The grid as a {@link Surface} (for its CSV). */
        public Surface surface() {
            if (grid instanceof Plane p) {
                return new Surface(p.alpha(), p.beta(), p.loss(), p.accuracy());
            }
            Line l = (Line) grid;
            double[][] loss = new double[l.alpha().length][];
            double[][] acc = new double[l.alpha().length][];
            for (int i = 0; i < loss.length; i++) {
                loss[i] = new double[] {l.loss()[i]};
                acc[i] = new double[] {l.accuracy()[i]};
            }
            return new Surface(l.alpha(), null, loss, acc);
        }
    }

    /**
     * loss[i][j] and accuracy[i][j] at alphas[i], betas[j]; a 1D line has betas == null and one column.
     */
    public record Surface(double[] alphas, double[] betas, double[][] loss, double[][] accuracy) {

        public boolean twoDimensional() {
            return betas != null;
        }

        /** The value on the grid nearest to the origin (exactly the origin when the grid contains 0). */
        public double lossAtOrigin() {
            int i = nearestZero(alphas);
            int j = betas == null ? 0 : nearestZero(betas);
            return loss[i][j];
        }

        public double minLoss() {
            return Vectors.min(loss);
        }

        public double maxLoss() {
            return Vectors.max(loss);
        }

        /** CSV with header alpha[,beta],loss,accuracy; one row per grid point, alpha outermost. */
        public String csv() {
            StringBuilder s = new StringBuilder(betas == null ? "alpha,loss,accuracy\n" : "alpha,beta,loss,accuracy\n");
            for (int i = 0; i < alphas.length; i++) {
                for (int j = 0; j < loss[i].length; j++) {
                    s.append(num(alphas[i])).append(',');
                    if (betas != null) {
                        s.append(num(betas[j])).append(',');
                    }
                    s.append(num(loss[i][j])).append(',').append(num(accuracy[i][j])).append('\n');
                }
            }
            return s.toString();
        }

        public void writeCsv(Path file) {
            AtomicFiles.writeString(file, csv());
        }

        private static String num(double v) {
            return Double.toString(v).toLowerCase(Locale.ROOT);
        }

        private static int nearestZero(double[] v) {
            int best = 0;
            for (int i = 1; i < v.length; i++) {
                if (Math.abs(v[i]) < Math.abs(v[best])) {
                    best = i;
                }
            }
            return best;
        }
    }

    private double min = DEFAULT_MIN;
    private double max = DEFAULT_MAX;
    private Integer points;
    private boolean twoDimensional;
    private long seed = 1;

    private Landscape() {
    }

    public static Landscape create() {
        return new Landscape();
    }

    /** alpha (and beta) from min to max (default -1 to 1). */
    public Landscape range(double lo, double hi) {
        min = lo;
        max = hi;
        return this;
    }

    /** Grid points per axis (default 21 for a line, 11 for a plane). */
    public Landscape points(int p) {
        points = p;
        return this;
    }

    /** A plane along two directions instead of a line along one (default: a line). */
    public Landscape twoDimensional(boolean b) {
        twoDimensional = b;
        return this;
    }

    /** Seed of the filter-normalised directions. */
    public Landscape seed(long s) {
        seed = s;
        return this;
    }

    /** The surface around net's parameters (restored afterwards) along seeded filter-normalised directions. */
    public Result run(Mlp net, Dataset data) {
        int n = points != null ? points : twoDimensional ? DEFAULT_POINTS_2D : DEFAULT_POINTS_1D;
        if (!(min < max) || n < 2) {
            throw new IllegalArgumentException("a landscape needs min < max and at least 2 points, got " + min + ".." + max
                    + " with " + n);
        }
        double[] g = grid(min, max, n);
        double[] d1 = filterNormalizedDirection(net, Seeds.stream(seed, DIRECTIONS, 0));
        Surface s = twoDimensional
                ? plane(net, data, d1, filterNormalizedDirection(net, Seeds.stream(seed, DIRECTIONS, 1)), g, g)
                : line(net, data, d1, g);
        Grid grid;
        if (twoDimensional) {
            grid = new Plane(s.alphas(), s.betas(), s.loss(), s.accuracy());
        } else {
            double[] loss = new double[n];
            double[] acc = new double[n];
            for (int i = 0; i < n; i++) {
                loss[i] = s.loss()[i][0];
                acc[i] = s.accuracy()[i][0];
            }
            grid = new Line(s.alphas(), loss, acc);
        }
        return new Result(n, new double[] {min, max}, s.lossAtOrigin(), s.minLoss(), s.maxLoss(), grid);
    }

    /** points values evenly spaced from min to max inclusive. */
    public static double[] grid(double min, double max, int points) {
        if (points < 1) {
            throw new IllegalArgumentException("a grid needs at least one point");
        }
        double[] g = new double[points];
        for (int i = 0; i < points; i++) {
            g[i] = points == 1 ? min : min + (max - min) * i / (points - 1);
        }
        return g;
    }

    /**
     * A random direction in the flat parameter layout with each weight row rescaled to the norm of
     * that row of W (a zero row of W gives a zero row) and zero bias entries.
     */
    public static double[] filterNormalizedDirection(Mlp net, SplittableRandom rng) {
        double[] d = new double[net.parameterCount()];
        for (int l = 0; l < net.layerCount(); l++) {
            int o = net.layout().weightOffset(l); // the bias entries stay zero
            Layer layer = net.layer(l);
            int rows = layer.out();
            int cols = layer.in();
            double[] w = layer.weight.data;
            for (int i = 0; i < rows * cols; i++) {
                d[o + i] = rng.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                double nw = 0;
                double nd = 0;
                for (int c = 0; c < cols; c++) {
                    nw += w[r + c * rows] * w[r + c * rows];
                    nd += d[o + r + c * rows] * d[o + r + c * rows];
                }
                double scale = nd == 0 ? 0 : Math.sqrt(nw / nd);
                for (int c = 0; c < cols; c++) {
                    d[o + r + c * rows] *= scale;
                }
            }
        }
        return d;
    }

    /** Loss and accuracy along w + alpha d. The network's parameters are restored afterwards. */
    public static Surface line(Mlp net, Dataset data, double[] d, double[] alphas) {
        return surface(net, data, d, null, alphas, null);
    }

    /** Loss and accuracy on w + alpha d1 + beta d2. The network's parameters are restored afterwards. */
    public static Surface plane(Mlp net, Dataset data, double[] d1, double[] d2, double[] alphas, double[] betas) {
        return surface(net, data, d1, d2, alphas, betas);
    }

    private static Surface surface(Mlp net, Dataset data, double[] d1, double[] d2, double[] alphas, double[] betas) {
        double[] w = net.parameters();
        if (d1.length != w.length || (d2 != null && d2.length != w.length)) {
            throw new IllegalArgumentException("a direction must have " + w.length + " entries");
        }
        int cols = betas == null ? 1 : betas.length;
        double[][] loss = new double[alphas.length][cols];
        double[][] acc = new double[alphas.length][cols];
        double[] v = new double[w.length];
        try {
            ModelLoss f = new ModelLoss(net, data);
            for (int i = 0; i < alphas.length; i++) {
                for (int j = 0; j < cols; j++) {
                    double b = betas == null ? 0 : betas[j];
                    for (int k = 0; k < w.length; k++) {
                        v[k] = w[k] + alphas[i] * d1[k] + (d2 == null ? 0 : b * d2[k]);
                    }
                    loss[i][j] = f.value(v);
                    acc[i][j] = f.lastAccuracy();
                }
            }
        } finally {
            net.setParameters(w);
        }
        return new Surface(alphas.clone(), betas == null ? null : betas.clone(), loss, acc);
    }
}
