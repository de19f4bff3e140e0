package dev.softalign.nn;

/** Picks the matrix kernel once per JVM. */
final class Kernels {

    static final MatMul PORTABLE = new PortableMatMul();
    static final MatMul DEFAULT = choose();

    private Kernels() {
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
            return (MatMul) Class.forName("dev.softalign.nn.VectorMatMul").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return PORTABLE;
        }
    }
}
