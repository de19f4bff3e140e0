// softalign JShell startup: the public API imported, plus a few helpers.
// Three lines train a network and print its top Hessian eigenvalue:
//   var c = TrainConfig.defaults().rule("fa").align(0.5).depth(2).width(64).epochs(1);
//   var m = train(c);
//   topEigenvalue(m)
import dev.softalign.data.*;
import dev.softalign.nn.*;
import dev.softalign.learn.*;
import dev.softalign.report.*;
import dev.softalign.experiment.*;
import dev.softalign.analysis.*;
import dev.softalign.attack.*;
import java.nio.file.*;
import java.util.*;

/** A dataset by name: fashion-mnist-small (bundled), fashion-mnist, mnist, cifar10, blobs, teacher. */
Split data(String name) {
    return Datasets.load(name);
}

/** Trains on the config's dataset, in memory; returns the network, config and per-epoch metrics. */
// Each JShell snippet is a class of its own, and a method named train declared in it hides the
// other snippet's train: the two overloads cannot call each other.
TrainedModel train(TrainConfig c) {
    Split s = Datasets.load(c.dataset);
    return Trainer.of(c, s).listener(GradientFlowLog.of(c, s)).run();
}

/** Trains on given data (e.g. a slice of a dataset, for speed). */
TrainedModel train(TrainConfig c, Split s) {
    return Trainer.of(c, s).listener(GradientFlowLog.of(c, s)).run();
}

/** The first n training and m test samples of a split. */
Split small(Split s, int n, int m) {
    return new Split(s.train().first(Math.min(n, s.train().size())), s.test().first(Math.min(m, s.test().size())));
}

/** Angles (degrees) between each layer's W and B, rounded to 2 decimals, as text. */
String angles(Mlp net) {
    StringBuilder b = new StringBuilder();
    for (double a : net.feedbackAnglesDegrees()) {
        b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", a));
    }
    return b.toString();
}

/** Writes a one-figure report (index.html, PNG and CSV) into dir and returns index.html. */
Path plot(Path dir, String title, Plot plot) {
    return new Report(title).figure(new Figure("figure", title, title, plot)).write(dir, ImageFormat.PNG);
}

/** Line chart data from a model's history: test accuracy per epoch. */
Lines curve(TrainedModel... runs) {
    List<Series> s = new ArrayList<>();
    for (TrainedModel m : runs) {
        s.add(Series.indexed(m.config().label(), m.history().stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray()));
    }
    return new Lines("epoch", "test accuracy (%)", s);
}

/** Top eigenvalue of the Hessian of the true loss on the first 1000 training samples (Lanczos, tol 1e-6). */
double topEigenvalue(TrainedModel m) {
    Dataset d = Datasets.load(m.config().dataset).train();
    return Lanczos.create().top(1).run(Hessian.of(m.net(), d.first(Math.min(1000, d.size())))).top()[0];
}
