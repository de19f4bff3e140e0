package dev.softalign.attack;

import com.google.gson.annotations.SerializedName;
import dev.softalign.data.Dataset;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accuracy of a model against corruption severity; every (corruption, severity) has its own seeded
 * stream. Settings are fluent (default: every corruption, seed 1); {@link #run} returns a {@link Report}.
 */
public final class Corruptions {

    static final int PURPOSE = 301;

    public record Row(String corruption, int severity, double parameter, double loss, double accuracy) {
    }

    /**
     * Clean accuracy, one row per corruption and severity (JSON key results), the mean accuracy over
     * all rows (NaN if none), the corruptions skipped because the samples are not images, and the seed.
     */
    public record Report(int samples, double cleanAccuracy, double cleanLoss, @SerializedName("results") List<Row> rows,
                         double meanAccuracy, List<String> skipped, long seed) {
    }

    private List<Corruption> corruptions = Arrays.asList(Corruption.values());
    private long seed = 1;

    public static Corruptions create() {
        return new Corruptions();
    }

    public Corruptions corruptions(List<Corruption> c) {
        corruptions = List.copyOf(c);
        return this;
    }

    public Corruptions seed(long s) {
        seed = s;
        return this;
    }

    public Report run(Mlp net, Dataset data) {
        return evaluate(net, data, corruptions, seed);
    }

    public static Dataset corrupt(Dataset d, Corruption c, int severity, long seed) {
        double[] x = c.apply(d.x(), d.shape(), severity, Seeds.stream(seed, PURPOSE + c.ordinal(), severity));
        return new Dataset(d.name() + "/" + c.id() + "-" + severity, d.shape().clone(), d.classes(), x,
                d.labels().clone());
    }

    public static Report evaluate(Mlp net, Dataset data, List<Corruption> corruptions, long seed) {
        Evaluation clean = Evaluation.of(net, data);
        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        double sum = 0;
        for (Corruption c : corruptions) {
            if (!c.appliesTo(data.shape())) {
                skipped.add(c.id());
                continue;
            }
            for (int s = 1; s <= Corruption.SEVERITIES; s++) {
                Evaluation e = Evaluation.of(net, corrupt(data, c, s, seed));
                rows.add(new Row(c.id(), s, c.parameter(s), e.loss(), e.accuracy()));
                sum += e.accuracy();
            }
        }
        return new Report(data.size(), clean.accuracy(), clean.loss(), rows,
                rows.isEmpty() ? Double.NaN : sum / rows.size(), skipped, seed);
    }
}
