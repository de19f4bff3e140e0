package dev.softalign.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static final double[] AWKWARD = {
        0.0, -0.0, 1.0, -1.5, Math.PI, 1e-300, -1e300,
        Double.MIN_VALUE, // smallest subnormal
        Double.longBitsToDouble(0x000F_FFFF_FFFF_FFFFL), // largest subnormal
        Double.MIN_NORMAL, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN,
        Double.longBitsToDouble(0x7FF8_0000_0000_1234L), // quiet NaN with payload
        Double.longBitsToDouble(0xFFF8_0000_0000_0001L), // negative NaN with payload
        0.1 + 0.2,
    };

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        double[] w = new double[4 * 6];
        for (int i = 0; i < w.length; i++) {
            w[i] = AWKWARD[i % AWKWARD.length] * (i < AWKWARD.length ? 1 : 3);
        }
        t.put("layers.0.weight", Tensor.matrix(4, 6, w));
        t.put("layers.0.bias", Tensor.vector(AWKWARD.clone()));
        t.put("scalar", Tensor.of(new long[] {}, new double[] {-0.0}));
        t.put("empty", Tensor.of(new long[] {0, 3}, new double[0]));
        return t;
    }

    @Test
    void f64RoundTripIsBitExact() {
        Path file = dir.resolve("m.safetensors");
        Map<String, Tensor> tensors = sample();
        SafeTensors.write(file, tensors, Map.of(), "F64");
        SafeTensors.Contents read = SafeTensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor back = read.tensor(e.getKey());
            assertEquals("F64", back.dtype());
            assertArrayEquals(e.getValue().shape(), back.shape());
            long[] expected = Arrays.stream(e.getValue().data()).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] actual = Arrays.stream(back.data()).mapToLong(Double::doubleToRawLongBits).toArray();
            assertArrayEquals(expected, actual, e.getKey());
            assertEquals(e.getValue(), back);
        }
        assertEquals(Map.of(), read.metadata());
    }

    @Test
    void f32RoundTripEqualsFloatCasts() throws IOException {
        Path file = dir.resolve("m32.safetensors");
        Map<String, Tensor> tensors = sample();
        SafeTensors.write(file, tensors, Map.of("format", "pt"), "F32");
        SafeTensors.Contents read = SafeTensors.read(file);
        long values = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor back = read.tensor(e.getKey());
            assertEquals("F32", back.dtype());
            assertArrayEquals(e.getValue().shape(), back.shape());
            double[] original = e.getValue().data();
            for (int i = 0; i < original.length; i++) {
                assertEquals(Float.floatToIntBits((float) original[i]), Float.floatToIntBits((float) back.data()[i]));
                assertEquals((double) (float) original[i], back.data()[i], 0.0);
            }
            values += original.length;
        }
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(8 + headerLength + 4 * values, Files.size(file));
    }

    @Test
    void dataSpanningManyChunksIsEachValueLittleEndianInOrder() throws IOException {
        // Tensors of 3-4 chunks each, float32 and float64 in turn, so runs end mid-chunk and chunks
        // end mid-tensor; the data section must be every value's little-endian bytes, one after the
        // other (putFloat / putDouble value by value: the oracle, independent of the bulk writes).
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int[] lengths = {40_001, 23_457, 3, 70_000};
        for (int t = 0; t < lengths.length; t++) {
            double[] d = new double[lengths[t]];
            for (int i = 0; i < d.length; i++) {
                d[i] = i < AWKWARD.length ? AWKWARD[i] : Math.sin(i * 0.37 + t) * Math.pow(10, i % 40 - 20);
            }
            tensors.put("t" + t, new Tensor(t % 2 == 0 ? "F32" : "F64", new long[] {d.length}, d));
        }
        Path file = dir.resolve("chunks.safetensors");
        SafeTensors.write(file, tensors, Map.of());
        ByteBuffer expected = ByteBuffer.allocate(4 * (40_001 + 3) + 8 * (23_457 + 70_000)).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            for (double v : t.data()) {
                if (t.dtype().equals("F32")) {
                    expected.putFloat((float) v);
                } else {
                    expected.putDouble(v);
                }
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertArrayEquals(expected.array(), Arrays.copyOfRange(bytes, (int) (8 + headerLength), bytes.length));
    }

    @Test
    void perTensorDtypesAreKeptWhenNotForced() {
        Path file = dir.resolve("mixed.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", new Tensor("F32", new long[] {2}, new double[] {0.1, 0.2}));
        tensors.put("b", Tensor.vector(new double[] {0.1, 0.2}));
        SafeTensors.write(file, tensors, null);
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(new Tensor("F32", new long[] {2}, new double[] {(float) 0.1, (float) 0.2}), read.tensor("a"));
        assertEquals(tensors.get("b"), read.tensor("b"));
    }

    @Test
    void metadataIsPreserved() {
        Path file = dir.resolve("meta.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("rule", "soft-alignment");
        meta.put("quote\"and\\slash", "línea\nnueva <&> λ");
        meta.put("empty", "");
        SafeTensors.write(file, sample(), meta, "F64");
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(meta, read.metadata());
    }

    @Test
    void sameInputGivesIdenticalBytes() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "3");
        meta.put("format", "pt");
        SafeTensors.write(a, sample(), meta, "F64");
        SafeTensors.write(b, sample(), new LinkedHashMap<>(meta), "F64");
        byte[] bytesA = Files.readAllBytes(a);
        assertArrayEquals(bytesA, Files.readAllBytes(b));

        // The data starts 8-byte aligned, the header padded with spaces as the reference writer does.
        long n = ByteBuffer.wrap(bytesA, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytesA, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"epoch\":\"3\",\"format\":\"pt\"},\"layers.0.weight\":"
                + "{\"dtype\":\"F64\",\"shape\":[4,6],\"data_offsets\":[0,192]}"), header);
        assertTrue(header.strip().endsWith("}"), header);
    }

    /**
     * The bytes {@code safetensors.torch.save_file({"weight": torch.tensor([[1., -2., .5], [3., -.25, 100.]])},
     * path, metadata={"format": "pt"})} produces, written out by hand from the format description.
     */
    @Test
    void readsHandWrittenPyTorchFile() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
        assertEquals(93, json.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {96, 0, 0, 0, 0, 0, 0, 0}); // header length 96 = 93 + 3 spaces of padding
        out.write(json.getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {' ', ' ', ' '});
        out.write(new byte[] {
            0x00, 0x00, (byte) 0x80, 0x3F, //   1.0f = 0x3F800000
            0x00, 0x00, 0x00, (byte) 0xC0, //  -2.0f = 0xC0000000
            0x00, 0x00, 0x00, 0x3F, //          0.5f = 0x3F000000
            0x00, 0x00, 0x40, 0x40, //          3.0f = 0x40400000
            0x00, 0x00, (byte) 0x80, (byte) 0xBE, // -0.25f = 0xBE800000
            0x00, 0x00, (byte) 0xC8, 0x42, //  100.0f = 0x42C80000
        });
        Path file = dir.resolve("torch.safetensors");
        Files.write(file, out.toByteArray());
        assertEquals(8 + 96 + 24, Files.size(file));

        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt"), read.metadata());
        assertEquals(List.of("weight"), List.copyOf(read.tensors().keySet()));
        Tensor w = read.tensor("weight");
        assertEquals("F32", w.dtype());
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new double[] {1.0, -2.0, 0.5, 3.0, -0.25, 100.0}, w.data(), 0.0);
    }

    @Test
    void readsIntegersAndOrdersTensorsByOffset() throws IOException {
        // Header lists "steps" first, but "counts" owns the first bytes; neither is padded here.
        String json = "{\"steps\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"counts\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(-7).putInt(Integer.MAX_VALUE).putLong(1L << 52).putLong(-3);
        Path file = dir.resolve("ints.safetensors");
        Files.write(file, file(json, data.array()));

        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.of("counts", "steps"), List.copyOf(read.tensors().keySet()));
        assertEquals(new Tensor("I32", new long[] {2}, new double[] {-7, Integer.MAX_VALUE}), read.tensor("counts"));
        assertEquals(new Tensor("I64", new long[] {2}, new double[] {1L << 52, -3}), read.tensor("steps"));
    }

    @Test
    void emptyFileOfTensorsIsValid() throws IOException {
        Path file = dir.resolve("none.safetensors");
        SafeTensors.write(file, Map.of(), Map.of(), "F64");
        assertEquals(16, Files.size(file)); // "{}" padded to 8
        SafeTensors.Contents read = SafeTensors.read(file);
        assertTrue(read.tensors().isEmpty());
    }

    @Test
    void writeRejectsWhatItCannotEncode() {
        Path file = dir.resolve("never.safetensors");
        Map<String, Tensor> t = Map.of("x", Tensor.vector(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, t, Map.of(), "BF16"));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file,
                Map.of("x", new Tensor("I64", new long[] {1}, new double[] {1})), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file,
                Map.of("__metadata__", Tensor.vector(new double[] {1})), Map.of(), "F64"));
        assertThrows(IllegalArgumentException.class, () -> Tensor.matrix(2, 3, new double[5]));
        assertTrue(Files.notExists(file));
    }

    @Test
    void missingFileIsAnIoFailureNamingIt() {
        Path file = dir.resolve("runs/x/absent.safetensors");
        IoFailure e = assertThrows(IoFailure.class, () -> SafeTensors.read(file));
        AtomicFilesTest.assertOneLineNaming(e, file.toString());
    }

    static Stream<Arguments> corruptions() {
        String ok = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] sixteen = new byte[16];
        return Stream.of(
                Arguments.of("empty file", new byte[0], "too short"),
                Arguments.of("shorter than 8 bytes", new byte[] {8, 0, 0, 0, 0}, "too short"),
                Arguments.of("header longer than file", concat(le(2048), new byte[92]), "truncated"),
                Arguments.of("absurd header length", concat(le(200_000_000L), new byte[8]), "absurd"),
                Arguments.of("header length with top bit set", concat(le(-1L), new byte[8]), "absurd"),
                Arguments.of("invalid JSON", file("{\"w\":{\"dtype\":", sixteen), "invalid JSON"),
                Arguments.of("lenient JSON", file("{w:{dtype:F64,shape:[2],data_offsets:[0,16]}}", sixteen),
                        "invalid JSON"),
                Arguments.of("JSON array", file("[1,2]", new byte[0]), "not a JSON object"),
                Arguments.of("second document", file(ok + "{}", sixteen), "invalid JSON"),
                Arguments.of("invalid UTF-8", concat(le(4), new byte[] {'{', (byte) 0xC3, '}', ' '}), "UTF-8"),
                Arguments.of("missing dtype", file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,16]}}", sixteen),
                        "missing dtype"),
                Arguments.of("missing shape", file("{\"w\":{\"dtype\":\"F64\",\"data_offsets\":[0,16]}}", sixteen),
                        "missing shape"),
                Arguments.of("missing offsets", file("{\"w\":{\"dtype\":\"F64\",\"shape\":[2]}}", sixteen),
                        "missing data_offsets"),
                Arguments.of("unknown dtype", file(ok.replace("F64", "Q7"), sixteen), "unsupported dtype 'Q7'"),
                Arguments.of("dtype not a string", file(ok.replace("\"F64\"", "64"), sixteen), "dtype is not a string"),
                Arguments.of("shape product mismatch", file(ok.replace("[2]", "[3]"), sixteen), "needs 24 bytes"),
                Arguments.of("negative dimension", file(ok.replace("[2]", "[-2]"), sixteen), "negative"),
                Arguments.of("fractional dimension", file(ok.replace("[2]", "[2.5]"), sixteen), "non-integer"),
                Arguments.of("overflowing shape",
                        file(ok.replace("[2]", "[4294967296,4294967296]"), sixteen), "too large"),
                Arguments.of("reversed offsets", file(ok.replace("[0,16]", "[16,0]"), sixteen), "not a range"),
                Arguments.of("three offsets", file(ok.replace("[0,16]", "[0,16,16]"), sixteen), "not a range"),
                Arguments.of("offsets past the end", file(ok.replace("[0,16]", "[8,24]"), sixteen), "gap"),
                Arguments.of("truncated data", file(ok, new byte[10]), "header says 16 data bytes, file has 10"),
                Arguments.of("trailing garbage", file(ok, new byte[20]), "trailing garbage"),
                Arguments.of("overlap", file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", new byte[24]), "overlap"),
                Arguments.of("duplicate name", file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                        + "\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", sixteen), "twice"),
                Arguments.of("metadata value not a string",
                        file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "not a string"),
                Arguments.of("tensor entry not an object", file("{\"w\":[0,16]}", sixteen), "expected an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void corruptFileGivesOneLineMessageNamingIt(String name, byte[] content, String expected) throws IOException {
        Path file = dir.resolve("runs/x/" + name.replace(' ', '-') + ".safetensors");
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(file));
        AtomicFilesTest.assertOneLineNaming(e, file.toString());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void everyTruncationOfAValidFileIsRejected() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.matrix(2, 2, new double[] {1, 2, 3, 4}));
        tensors.put("b", Tensor.vector(new double[] {5}));
        SafeTensors.write(good, tensors, Map.of("k", "v"), "F32");
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        for (int length = 0; length < bytes.length; length++) {
            Files.write(cut, Arrays.copyOf(bytes, length));
            FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(cut), "length " + length);
            AtomicFilesTest.assertOneLineNaming(e, cut.toString());
        }
    }

    private static byte[] file(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return concat(concat(le(header.length), header), data);
    }

    private static byte[] le(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void metadataBytesDoNotDependOnTheMapsOrder(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        java.util.Map<String, String> ordered = new java.util.LinkedHashMap<>();
        ordered.put("steps", "12");
        ordered.put("epoch", "3");
        ordered.put("alpha", "x");
        java.util.Map<String, String> reversed = new java.util.LinkedHashMap<>();
        reversed.put("alpha", "x");
        reversed.put("epoch", "3");
        reversed.put("steps", "12");
        java.util.Map<String, Tensor> t = java.util.Map.of("w", Tensor.vector(new double[] {1, 2}));
        SafeTensors.write(tmp.resolve("a"), t, ordered);
        SafeTensors.write(tmp.resolve("b"), t, reversed);
        SafeTensors.write(tmp.resolve("c"), t, java.util.Map.of("steps", "12", "epoch", "3", "alpha", "x"));
        byte[] a = Files.readAllBytes(tmp.resolve("a"));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b")));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("c")));
        assertTrue(new String(a, StandardCharsets.UTF_8).contains("{\"alpha\":\"x\",\"epoch\":\"3\",\"steps\":\"12\"}"));
    }
}
