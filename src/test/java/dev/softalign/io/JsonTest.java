package dev.softalign.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    record Summary(String run, double loss, List<Double> accuracy) {
    }

    @TempDir
    Path dir;

    @Test
    void compactPrintsDoublesAndSpecialValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", 0.1);
        m.put("loss", Double.NaN);
        m.put("max", Double.POSITIVE_INFINITY);
        m.put("tag", "<a&b>");
        assertEquals("{\"lr\":0.1,\"loss\":NaN,\"max\":Infinity,\"tag\":\"<a&b>\"}", Json.COMPACT.toJson(m));
    }

    @Test
    void writeThenReadRecord() throws IOException {
        Path file = dir.resolve("runs/r1/summary.json");
        Summary s = new Summary("r1", Double.NaN, List.of(0.5, 0.875));
        Json.write(file, s);
        String text = Files.readString(file);
        assertTrue(text.endsWith("}\n"), text);
        assertTrue(text.contains("\n  \"loss\": NaN,"), text);
        Summary back = Json.read(file, Summary.class);
        assertEquals("r1", back.run());
        assertTrue(Double.isNaN(back.loss()));
        assertEquals(List.of(0.5, 0.875), back.accuracy());
    }

    @Test
    void invalidJsonNamesTheFileOnOneLine() throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"run\": \"r1\", \"loss\": [1,\n");
        FormatException e = assertThrows(FormatException.class, () -> Json.read(file, Summary.class));
        AtomicFilesTest.assertOneLineNaming(e, file.toString());
    }

    @Test
    void missingFileNamesTheFile() {
        Path file = dir.resolve("absent.json");
        IoFailure e = assertThrows(IoFailure.class, () -> Json.read(file, Summary.class));
        AtomicFilesTest.assertOneLineNaming(e, file.toString());
    }
}
