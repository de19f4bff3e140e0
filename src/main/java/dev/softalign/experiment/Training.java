package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import dev.softalign.learn.TrainingDiverged;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.MatMul;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Trains a cell's network, recording metrics even when it diverges, with the experiment's listeners. */
public final class Training {

    /** The trained model (null if the cell diverged) and the cell's result so far. */
    public record Trained<M>(TrainedModel model, CellResult<M> result) {
    }

    /**
     * A run whose final training loss exceeds this multiple of its initial loss counted as
     * diverged: with ReLUs and cross-entropy a blown-up network's loss grows to 1e20 and beyond
     * without ever becoming NaN, so {@link TrainingDiverged} alone misses most divergences.
     */
    public static final double BLOWUP = 10;

    private Training() {
    }

    /**
     * Trains the cell, writing its run files (as {@code train --out} does) into folder, replacing
     * any there; the listeners (an experiment's per-epoch measurements) hear the run. A cell that
     * trained without diverging then gets its {@link FlatnessProbe}, on the float64 kernel the
     * analyses use.
     */
    public static <M> Trained<M> train(Cell cell, Split data, Path folder, MatMul kernel, TrainingListener... listeners) {
        long start = System.nanoTime();
        CellResult<M> r = CellResult.of(cell);
        Recorder rec = new Recorder();
        TrainedModel model = null;
        try {
            Trainer trainer = Trainer.of(cell.config(), data).kernel(kernel).out(folder).overwrite(true).listener(rec);
            for (TrainingListener l : listeners) {
                trainer.listener(l);
            }
            model = trainer.run();
            r.history = new ArrayList<>(model.history());
            double initial = r.history.get(0).trainLoss();
            double last = r.last().trainLoss();
            if (!(last <= BLOWUP * initial)) {
                r.status = CellResult.DIVERGED;
                r.message = String.format(java.util.Locale.ROOT, "training loss rose from %.4g at initialisation to "
                        + "%.4g after epoch %d (more than %.0fx): the network blew up", initial, last, r.last().epoch(), BLOWUP);
            } else {
                r.probe = probe(cell, data, forAnalysis(model, kernel));
            }
        } catch (TrainingDiverged e) {
            r.status = CellResult.DIVERGED;
            r.message = e.getMessage();
            r.history = rec.epochs;
        }
        r.seconds = (System.nanoTime() - start) / 1e9;
        return new Trained(model, r);
    }

    /**
     * The cell's {@link FlatnessProbe} on the first analysis-subset samples of the training set
     * (tag {@link Analyses#SAMPLES_TAG}); null for a cell without that tag.
     */
    static FlatnessProbe probe(Cell cell, Split data, TrainedModel model) {
        String n = cell.tags().get(Analyses.SAMPLES_TAG);
        if (n == null) {
            return null;
        }
        return FlatnessProbe.measure(model.net(), data.train().first(Math.min(Integer.parseInt(n), data.train().size())),
                cell.config().seed);
    }

    /**
     * The trained model made ready for analyses, which compute in float64: a float32 network is
     * widened, exactly, onto the cell's kernel budget.
     */
    static TrainedModel forAnalysis(TrainedModel model, MatMul kernel) {
        model.net().kernel(kernel.withDtype(Dtype.F64));
        return model;
    }

    /** Keeps completed epochs, for a cell that diverges. */
    private static final class Recorder implements TrainingListener {

        final List<EpochMetrics> epochs = new ArrayList<>();

        @Override
        public void epoch(EpochMetrics m) {
            epochs.add(m);
        }
    }
}
