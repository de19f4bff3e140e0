package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softalign.attack.Corruptions;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.attack.Robustness;
import dev.softalign.attack.Targeting;
import dev.softalign.data.Dataset;
import dev.softalign.data.Synthetic;
import dev.softalign.io.Json;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.Mlp;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The measurements' result records are plain data: written with the shared output Gson and read
 * back, they print the same JSON (so a result file or an experiment cell can store them).
 */
class ResultRecordsTest {

    static Mlp net;
    static Dataset data;

    @BeforeAll
    static void train() {
        var s = Synthetic.blobs(300, 6, 3, 0.2, 2);
        data = s.test();
        net = Trainer.of(TrainConfig.defaults().rule("fa").depth(1).width(6).epochs(2).lr(0.05).seed(2), s).run().net();
    }

    static void roundTrips(Object result) {
        String json = Json.OUTPUT.toJson(result);
        Object back = Json.OUTPUT.fromJson(json, result.getClass());
        assertEquals(json, Json.OUTPUT.toJson(back), result.getClass().getName());
    }

    @Test
    void everyResultRecordRoundTrips() {
        Hessian h = Hessian.of(net, data);
        roundTrips(Spectrum.create().lanczos(Lanczos.create().top(2)).trace(Hutchinson.create().sketch(4).maxSamples(5))
                .density(SpectralDensity.create().runs(2).steps(5).points(20)).run(h));
        roundTrips(Sharpness.create().steps(2).run(net, data));
        roundTrips(PacBayes.create().draws(1).iterations(2).run(net, data));
        roundTrips(WeightNoise.create().sigmas(0, 0.1).draws(1).run(net, data));
        roundTrips(Landscape.create().points(3).run(net, data));
        roundTrips(Landscape.create().points(2).twoDimensional(true).run(net, data));
        roundTrips(GradientFlowReport.of(GradientFlow.of(net, BackwardPath.TRUE, data, 0)));
        GradientSource src = GradientSource.trueGradient(net);
        roundTrips(Robustness.create().eps(0.1).targeting(Targeting.fixed(0))
                .run(net, e -> new Pgd(src, Norm.LINF, Pgd.defaultAlpha(e, 3), 3, 1, false), data));
        roundTrips(Corruptions.create().run(net, data));
        roundTrips(Evaluation.of(net, data));
    }

    @Test
    void nonFiniteValuesAreWrittenAsNullAndReadBackAsNaN() {
        Sharpness.Result r = new Sharpness.Result(Double.NaN, Double.POSITIVE_INFINITY, 1.5, 1e-3, 2);
        String json = Json.OUTPUT.toJson(r);
        assertEquals("{\"loss\":null,\"max_loss\":null,\"sharpness\":1.5,\"eps\":0.001,\"steps\":2}", json);
        Sharpness.Result back = Json.OUTPUT.fromJson(json, Sharpness.Result.class);
        assertEquals(Double.NaN, back.loss());
        assertEquals(List.of(1.5), List.of(back.sharpness()));
    }
}
