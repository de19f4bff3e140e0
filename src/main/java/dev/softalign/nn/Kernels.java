package dev.softalign.nn;

/** Picks the matrix kernel once per JVM. */
final class Kernels {

    static final MatMul PORTABLE = new PortableMatMul();
    static final MatMul DEFAULT = choose();

    private Kernels() {
    }

    /**
     * Until C2 has compiled the Vector API kernel, it runs its boxed fallback, 10-50x slower; a
     * short command (one attack, one Hessian) would spend seconds there. A background thread
     * compiles it on small products while the command is still loading its data.
     */
    private static void warmUp() {
        if ("false".equals(System.getProperty("softalign.warmup"))) {
            return;
        }
        Thread t = new Thread(() -> {
            MatMul single;
            try {
                single = (MatMul) Class.forName("dev.softalign.nn.VectorMatMul").getDeclaredConstructor(int.class)
                        .newInstance(1);
            } catch (ReflectiveOperationException e) {
                return;
            }
            org.ojalgo.matrix.store.R064Store a = org.ojalgo.matrix.store.R064Store.FACTORY.make(48, 96);
            org.ojalgo.matrix.store.R064Store b = org.ojalgo.matrix.store.R064Store.FACTORY.make(96, 36);
            org.ojalgo.matrix.store.R064Store c = org.ojalgo.matrix.store.R064Store.FACTORY.make(48, 36);
            org.ojalgo.matrix.store.R064Store bt = org.ojalgo.matrix.store.R064Store.FACTORY.make(36, 96);
            org.ojalgo.matrix.store.R064Store at = org.ojalgo.matrix.store.R064Store.FACTORY.make(96, 48);
            for (int i = 0; i < 1500; i++) {
                single.multiply(a, false, b, false, c);
                single.multiply(a, false, bt, true, c);
                single.multiply(at, true, b, false, c);
            }
        }, "softalign-kernel-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static MatMul choose() {
        if ("portable".equals(System.getProperty("softalign.kernel"))) {
            return PORTABLE;
        }
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!vectorApi) {
            return PORTABLE;
        }
        try {
            Class<?> vector = Class.forName("dev.softalign.nn.VectorMatMul");
            String threads = System.getProperty("softalign.threads");
            MatMul kernel = threads == null ? (MatMul) vector.getDeclaredConstructor().newInstance()
                    : (MatMul) vector.getDeclaredConstructor(int.class).newInstance(Integer.parseInt(threads));
            warmUp();
            return kernel;
        } catch (ReflectiveOperationException | LinkageError | NumberFormatException e) {
            return PORTABLE;
        }
    }
}
