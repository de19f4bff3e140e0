package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench's output shape, and a peer run end to end through a stand-in for python (torch is never
 * needed in CI): the stand-in answers "import torch" and prints a fixed sample of the protocol.
 */
class BenchCommandTest {

    @TempDir
    Path dir;

    private Path fakePython() throws IOException {
        Path p = dir.resolve("python3");
        Files.writeString(p, String.join("\n", "#!/bin/sh",
                "[ \"$1\" = \"-c\" ] && exit 0",
                "echo 'loading data'",
                "echo 'softalign-peer {\"type\": \"peer\", \"name\": \"torch\", \"version\": \"0.0-test\", \"blas\": \"none\", "
                        + "\"threads\": 2, \"python\": \"3.x\"}'",
                "echo 'softalign-peer {\"type\": \"result\", \"work\": \"hvp-d2\", \"dtype\": \"f64\", \"value\": 40.0, "
                        + "\"unit\": \"ms\"}'",
                "echo 'softalign-peer {\"type\": \"result\", \"work\": \"hvp-d2\", \"dtype\": \"f32\", \"value\": 12.0, "
                        + "\"unit\": \"ms\"}'", ""));
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    @Test
    void peerFiguresSitBesideOursWithRatiosOfThisRun() throws IOException {
        CommandRun r = CommandRun.of("bench", "--quick", "--only", "hvp", "--peer", "torch", "--peer-python",
                fakePython().toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonContractTest.strict(r.out());
        assertEquals(Set.of("date", "machine", "load_average", "kernel", "peaks", "gemm", "peer", "rows", "recorded"), o.keySet());
        assertEquals(Set.of("cpu", "cores", "java"), o.getAsJsonObject("machine").keySet());
        assertEquals("0.0-test", o.getAsJsonObject("peer").get("version").getAsString());
        JsonArray rows = o.getAsJsonArray("rows");
        assertEquals(2, rows.size());
        JsonObject f64 = rows.get(0).getAsJsonObject();
        assertEquals(Set.of("group", "work", "label", "dtype", "value", "unit", "peer", "speedup"), f64.keySet());
        assertEquals("hvp-d2", f64.get("work").getAsString());
        assertEquals("f64", f64.get("dtype").getAsString());
        double ours = f64.get("value").getAsDouble();
        assertTrue(ours > 0);
        assertEquals(40.0, f64.get("peer").getAsDouble());
        // A time: the speed-up is the peer's time over ours.
        assertEquals(40.0 / ours, f64.get("speedup").getAsDouble(), 1e-12);
        JsonObject f32 = rows.get(1).getAsJsonObject();
        assertEquals(12.0, f32.get("peer").getAsDouble());
        assertTrue(f32.get("speedup").isJsonNull() == f32.get("value").isJsonNull(), "a ratio only beside our own figure");
        assertEquals(0, o.getAsJsonArray("recorded").size(), "with a peer, nothing recorded elsewhere is shown");
    }

    @Test
    void textNamesTheMachineAndItsMeasuredPeak() {
        CommandRun r = CommandRun.of("bench", "--quick", "--only", "peak", "--dtype", "f64");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("softalign bench, ") && lines.get(0).contains(" cores of ")
                && lines.get(0).contains(", load average "), lines.get(0));
        assertTrue(lines.get(1).matches("peak f64 \\(register FMA probe, \\d+ lanes\\): [\\d,.]+ GFLOP/s on 1 thread, "
                + "[\\d,.]+ on \\d+"), lines.get(1));
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("peak f32")));
    }

    @Test
    void aMissingPeerIsOneClearLine() {
        CommandRun r = CommandRun.of("bench", "--quick", "--only", "hvp", "--peer", "torch", "--peer-python",
                dir.resolve("no-python").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("bench: error: --peer torch needs a python3 that imports torch"),
                r.err());
        assertEquals(2, CommandRun.of("bench", "--peer").code());
        assertEquals(1, CommandRun.of("bench", "--peer", "jax").code());
    }
}
