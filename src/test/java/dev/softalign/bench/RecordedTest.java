package dev.softalign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedTest {

    static final String RUN = "{\"date\":\"2026-12-02 14:00 UTC\",\"machine\":{\"cpu\":\"AMD EPYC (AVX-512)\",\"cores\":2,"
            + "\"java\":\"OpenJDK 17.0.15\"},\"load_average\":[16.38,12.69],\"kernel\":\"vector\",\"peaks\":[],\"gemm\":[],\"peer\":{\"name\":\"torch\","
            + "\"version\":\"1.13.0a0\",\"blas\":\"openblas 0.3.21\",\"threads\":2,\"python\":\"3.11.2\"},\"rows\":["
            + "{\"group\":\"hvp\",\"work\":\"hvp-d2\",\"label\":\"x\",\"dtype\":\"f64\",\"value\":20.5,\"unit\":\"ms\","
            + "\"peer\":34.9,\"speedup\":1.7},"
            + "{\"group\":\"hvp\",\"work\":\"hvp-d2\",\"label\":\"x\",\"dtype\":\"f32\",\"value\":null,\"unit\":\"ms\","
            + "\"peer\":10.8,\"speedup\":null},"
            + "{\"group\":\"parallel\",\"work\":\"step-1\",\"label\":\"y\",\"dtype\":null,\"value\":5.0,\"unit\":\"s\","
            + "\"peer\":null,\"speedup\":null}],\"recorded\":[]}";

    @TempDir
    Path dir;

    @Test
    void labelSaysWhatWhereAndWhen() throws IOException {
        Files.writeString(dir.resolve("a.json"), RUN);
        Files.writeString(dir.resolve("notes.txt"), "not a record");
        List<Recorded> all = Recorded.load(dir);
        assertEquals(1, all.size());
        Recorded r = all.get(0);
        assertEquals("softalign vector and torch 1.13.0a0 (BLAS openblas 0.3.21, 2 threads), 2 cores of AMD EPYC "
                + "(AVX-512), OpenJDK 17.0.15, 2026-12-02 14:00 UTC, load average 16.4 to 12.7", r.label());
        assertEquals(List.of(new Recorded.Figure("hvp-d2", "f64", 20.5, 34.9, "ms"),
                new Recorded.Figure("hvp-d2", "f32", null, 10.8, "ms")), r.figures());
        assertTrue(Recorded.load(dir.resolve("none")).isEmpty());
    }
}
