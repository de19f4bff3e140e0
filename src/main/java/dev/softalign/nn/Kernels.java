package dev.softalign.nn;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiFunction;

/** Finds the matrix kernel this JVM can run, once, and makes kernels of a given thread count and precision. */
final class Kernels {

    static final MatMul PORTABLE = new PortableMatMul();
    static final MatMul PORTABLE_F32 = new PortableFloatMatMul();
    /** Makes the Vector API kernel for a thread count and dtype; null when only the portable kernels run here. */
    private static final BiFunction<Integer, Dtype, MatMul> VECTOR = vectorFactory();
    /** Built on first use: a command that never multiplies starts no kernel threads. */
    private static final Map<Dtype, MatMul> COMMAND_DEFAULT = new EnumMap<>(Dtype.class);
    /** The precisions whose kernel has been warmed up (or is being), with the thread that does it. */
    private static final Map<Dtype, Thread> WARMED = new EnumMap<>(Dtype.class);

    private Kernels() {
    }

    static MatMul withThreads(int threads, Dtype dtype) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        }
        if (VECTOR == null) {
            return MatMul.portable(dtype);
        }
        warmUp(dtype);
        return VECTOR.apply(threads, dtype);
    }

    static MatMul withDtype(MatMul kernel, Dtype dtype) {
        if (kernel.dtype() == dtype) {
            return kernel;
        }
        synchronized (Kernels.class) {
            if (COMMAND_DEFAULT.get(kernel.dtype()) == kernel) {
                return commandDefault(dtype);
            }
        }
        if (kernel == PORTABLE || kernel == PORTABLE_F32) {
            return MatMul.portable(dtype);
        }
        return withThreads(kernel.threads(), dtype);
    }

    static synchronized MatMul commandDefault(Dtype dtype) {
        return COMMAND_DEFAULT.computeIfAbsent(dtype, d -> withThreads(defaultThreads(), d));
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

    private static BiFunction<Integer, Dtype, MatMul> vectorFactory() {
        if ("portable".equals(System.getProperty("softalign.kernel"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // Reflection keeps this class loadable without the incubator module.
            var constructor = Class.forName("dev.softalign.nn.VectorMatMul").getDeclaredConstructor(int.class, Dtype.class);
            BiFunction<Integer, Dtype, MatMul> factory = (threads, dtype) -> {
                try {
                    return (MatMul) constructor.newInstance(threads, dtype);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create the vector kernel", e);
                }
            };
            factory.apply(1, Dtype.F64); // fails here, not later, if the module cannot run it
            return factory;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * Until C2 has compiled the Vector API kernel, it runs its boxed fallback, 10-50x slower; a
     * short command (one attack, one Hessian) would spend seconds there. One background thread per
     * precision, started when the first kernel of that precision is made, compiles it once on small
     * single-threaded products ({@link KernelWarmUp}) while the command is still loading its data,
     * then ends: it never waits for anything and takes no part in later work. A kernel's first
     * large product waits for it ({@link VectorMatMul}) rather than run boxed beside it.
     */
    private static void warmUp(Dtype dtype) {
        if ("false".equals(System.getProperty("softalign.warmup"))) {
            return;
        }
        MatMul single;
        Thread t;
        synchronized (WARMED) {
            if (WARMED.containsKey(dtype)) {
                return;
            }
            single = VECTOR.apply(1, dtype);
            t = new Thread(() -> KernelWarmUp.run(single), "softalign-kernel-warmup-" + dtype.id());
            WARMED.put(dtype, t);
        }
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Returns once the warm-up of this precision's kernel has ended, if one was started; on the
     * warm-up's own thread (its products reach here too), at once.
     */
    static void awaitWarmUp(Dtype dtype) {
        Thread t;
        synchronized (WARMED) {
            t = WARMED.get(dtype);
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
