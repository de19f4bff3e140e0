package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training in float32: float32 values throughout, files in F32, the same bytes per thread count, exact resume. */
class Float32TrainingTest {

    @TempDir
    Path tmp;

    static final Split WIDE = Synthetic.blobs(600, 120, 10, 0.3, 4);

    /** Wide enough (96) that the kernel splits its products between threads. */
    static TrainConfig config() {
        return TrainConfig.defaults().dataset("blobs").rule("fa").align(0.5).depth(2).width(96).batch(64).epochs(2)
                .lr(0.05).seed(3).dtype("F32");
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    @Test
    void theSameBytesOnOneOrTwoKernelThreads() throws IOException {
        Trainer.of(config(), WIDE).kernel(MatMul.withThreads(1)).out(tmp.resolve("one")).run();
        Trainer.of(config(), WIDE).kernel(MatMul.withThreads(2)).out(tmp.resolve("two")).run();
        for (String file : new String[] {"model.safetensors", "optimizer.safetensors", "metrics.csv"}) {
            assertArrayEquals(read(tmp.resolve("one").resolve(file)), read(tmp.resolve("two").resolve(file)), file);
        }
        // And not the float64 run's bytes: the dtype really changed the arithmetic.
        Trainer.of(config().dtype("F64"), WIDE).kernel(MatMul.withThreads(2)).out(tmp.resolve("f64")).run();
        assertTrue(!java.util.Arrays.equals(read(tmp.resolve("one").resolve("metrics.csv")),
                read(tmp.resolve("f64").resolve("metrics.csv"))));
    }

    @Test
    void theModelIsSavedInF32AndEveryValueOfTheRunIsAFloat32() throws IOException {
        TrainConfig c = config().optimizer("adam").lr(0.001).normalize(true);
        TrainedModel run = Trainer.of(c, WIDE).out(tmp.resolve("r")).run();
        assertEquals(Dtype.F32, run.net().dtype());
        SafeTensors.Contents model = SafeTensors.read(tmp.resolve("r/model.safetensors"));
        for (var e : model.tensors().entrySet()) {
            assertEquals(SafeTensors.F32, e.getValue().dtype(), e.getKey());
        }
        SafeTensors.Contents opt = SafeTensors.read(tmp.resolve("r/optimizer.safetensors"));
        assertTrue(opt.tensors().size() >= 6, "adam's m and v per parameter");
        for (var e : opt.tensors().entrySet()) {
            assertTrue(!e.getKey().startsWith(RunFolder.EXACT), "an F32 model file is exact: no float64 copy");
            for (double v : e.getValue().data()) {
                assertEquals((float) v, v, 0.0, e.getKey());
            }
        }
        // The file holds the network's values exactly.
        ModelFile.Saved saved = ModelFile.load(tmp.resolve("r/model.safetensors"));
        assertArrayEquals(run.net().parameters(), saved.net().parameters(), 0.0);
        assertArrayEquals(run.net().inputStd(), saved.net().inputStd(), 0.0);
    }

    @Test
    void aFloat32RunResumesBitForBit() throws IOException {
        for (String optimizer : new String[] {"sgd", "adam"}) {
            TrainConfig c = config().optimizer(optimizer).lr(optimizer.equals("adam") ? 0.001 : 0.05);
            Path full = tmp.resolve(optimizer + "-full");
            Path part = tmp.resolve(optimizer + "-part");
            Trainer.of(c, WIDE).out(full).run();
            TrainingListener crash = new TrainingListener() {
                @Override
                public void epoch(EpochMetrics m) {
                    if (m.epoch() == 1) {
                        throw new IllegalStateException("power cut");
                    }
                }
            };
            assertThrows(IllegalStateException.class, () -> Trainer.of(c, WIDE).out(part).listener(crash).run());
            Trainer.of(c, WIDE).out(part).resume(true).run();
            for (String f : new String[] {"metrics.csv", "model.safetensors", "optimizer.safetensors"}) {
                assertArrayEquals(read(full.resolve(f)), read(part.resolve(f)), optimizer + " " + f);
            }
        }
    }

    @Test
    void theDtypeIsNamedInEitherCase() {
        // As the command line takes it: "f32" from JShell once failed with "must be f64 or f32, got f32".
        TrainConfig c = TrainConfig.defaults().dtype("f32").saveDtype("f32");
        c.validate();
        assertEquals(Dtype.F32, c.precision());
        assertEquals("F32", c.dtype);
        assertEquals("F32", c.saveDtype);
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().dtype("f16").validate());
    }

    @Test
    void resumeWithAnotherDtypeNamesTheOption() {
        Trainer.of(config().epochs(1), WIDE).out(tmp.resolve("r")).run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.of(config().dtype("F64"), WIDE).out(tmp.resolve("r")).resume(true).run());
        assertTrue(e.getMessage().contains("--dtype differs: saved F32, given F64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config().dtype("F16").validate());
    }

    @Test
    void float32AndFloat64RunsEndWithinHalfAPointOfTestAccuracy() {
        // The bundled Fashion-MNIST subset: 2,000 test images, so half a point is 10 images.
        Split data = Datasets.load("fashion-mnist-small");
        TrainConfig c = TrainConfig.defaults().dataset("fashion-mnist-small").rule("bp").depth(2).width(128).epochs(2)
                .batch(128).lr(0.05).seed(1);
        TrainedModel f64 = Trainer.of(c, data).run();
        TrainedModel f32 = Trainer.of(c.copy().dtype("F32"), data).run();
        double a64 = f64.history().get(2).testAccuracy();
        double a32 = f32.history().get(2).testAccuracy();
        assertTrue(a64 > 0.75, "the run learns: " + a64);
        assertTrue(Math.abs(a64 - a32) <= 0.005, "test accuracy f64 " + a64 + ", f32 " + a32);
        // The first epoch's losses differ only by float32 rounding.
        assertEquals(f64.history().get(0).testLoss(), f32.history().get(0).testLoss(), 1e-5);
    }
}
