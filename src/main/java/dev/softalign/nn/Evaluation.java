package dev.softalign.nn;

import dev.softalign.data.Dataset;

/** Mean loss and accuracy of a model on a dataset, forward passes only. */
public record Evaluation(double loss, double accuracy, int samples) {

    public static final int BATCH = 1000;

    public static Evaluation of(Mlp net, Dataset data) {
        if (data.size() == 0) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += BATCH) {
            int n = Math.min(BATCH, data.size() - from);
            Pass p = net.pass(n);
            lossSum += net.forward(p, data, null, from) * n;
            correct += p.correct();
        }
        return new Evaluation(lossSum / data.size(), (double) correct / data.size(), data.size());
    }

    @Override
    public String toString() {
        return String.format("accuracy %.4f, loss %.4f on %d samples", accuracy, loss, samples);
    }
}
