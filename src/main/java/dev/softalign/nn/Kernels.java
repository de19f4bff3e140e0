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
            Class<?> vector = Class.forName("dev.softalign.nn.VectorMatMul");
            String threads = System.getProperty("softalign.threads");
            return threads == null ? (MatMul) vector.getDeclaredConstructor().newInstance()
                    : (MatMul) vector.getDeclaredConstructor(int.class).newInstance(Integer.parseInt(threads));
        } catch (ReflectiveOperationException | LinkageError | NumberFormatException e) {
            return PORTABLE;
        }
    }
}
