package dev.softalign.cli;

import dev.softalign.nn.Dtype;
import picocli.CommandLine.Option;

/**
 * --dtype for commands that run a saved model (evaluate, attack, corrupt): the precision the
 * network computes in. f64 by default, whatever the file's dtype: a float32 model is widened
 * exactly, and a float64 model given --dtype f32 is rounded to float32.
 */
final class DtypeOption {

    @Option(names = "--dtype", description = "f64 (default) or f32: the precision the network computes in "
            + "(an f32 model file is widened exactly, an f64 one rounded for f32)")
    String dtype = "f64";

    Dtype get() {
        return parse(dtype);
    }

    /** f64 or f32, else a one-line error naming --dtype. */
    static Dtype parse(String value) {
        try {
            return Dtype.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dtype must be f64 or f32, got '" + value + "'");
        }
    }
}
