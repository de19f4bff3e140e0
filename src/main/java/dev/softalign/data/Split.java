package dev.softalign.data;

/** A training set and a test set of the same task. */
public record Split(Dataset train, Dataset test) {

    @Override
    public String toString() {
        return "train " + train + "; test " + test;
    }
}
