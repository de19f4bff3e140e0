package dev.softalign.nn;

import java.util.function.IntFunction;

/** Finds the matrix kernel this JVM can run, once, and makes kernels of a given thread count. */
final class Kernels {

    static final MatMul PORTABLE = new PortableMatMul();
    /** Makes the Vector API kernel for a thread count; null when only the portable kernel runs here. */
    private static final IntFunction<MatMul> VECTOR = vectorFactory();
    /** Built on first use: a command that never multiplies starts no kernel threads. */
    private static volatile MatMul commandDefault;

    private Kernels() {
    }

    static MatMul withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        }
        return VECTOR == null ? PORTABLE : VECTOR.apply(threads);
    }

    static MatMul commandDefault() {
        MatMul k = commandDefault;
        if (k == null) {
            synchronized (Kernels.class) {
                k = commandDefault;
                if (k == null) {
                    k = withThreads(defaultThreads());
                    commandDefault = k;
                }
            }
        }
        return k;
    }

    /** All cores, or {@code -Dsoftalign.threads=n}. */
    static int defaultThreads() {
        String threads = System.getProperty("softalign.threads");
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(threads.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-Dsoftalign.threads must be a whole number >= 1, got " + threads);
    }

    private static IntFunction<MatMul> vectorFactory() {
        if ("portable".equals(System.getProperty("softalign.kernel"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // Reflection keeps this class loadable without the incubator module.
            var constructor = Class.forName("dev.softalign.nn.VectorMatMul").getDeclaredConstructor(int.class);
            IntFunction<MatMul> factory = threads -> {
                try {
                    return (MatMul) constructor.newInstance(threads);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create the vector kernel", e);
                }
            };
            MatMul single = factory.apply(1);
            warmUp(single);
            return factory;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * Until C2 has compiled the Vector API kernel, it runs its boxed fallback, 10-50x slower; a
     * short command (one attack, one Hessian) would spend seconds there. One background thread
     * compiles it once, on small single-threaded products ({@link KernelWarmUp}), while the command
     * is still loading its data, then ends: it never waits for anything and takes no part in later
     * work.
     */
    private static void warmUp(MatMul single) {
        if ("false".equals(System.getProperty("softalign.warmup"))) {
            return;
        }
        Thread t = new Thread(() -> KernelWarmUp.run(single), "softalign-kernel-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
