package dev.softalign.io;

import java.io.IOException;

/** A consumer that may throw {@link IOException}, so write callbacks need no wrapping. */
@FunctionalInterface
public interface IoConsumer<T> {

    void accept(T value) throws IOException;
}
