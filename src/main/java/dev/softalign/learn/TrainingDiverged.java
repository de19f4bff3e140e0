package dev.softalign.learn;

/** The loss became NaN or infinite; the message says where and which checkpoint was kept. */
public final class TrainingDiverged extends RuntimeException {

    public TrainingDiverged(String message) {
        super(message);
    }
}
