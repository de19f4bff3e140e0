package dev.softalign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {

    @TempDir
    Path dir;

    @Test
    void cpuModelFromCpuinfoWithItsWidestVectors() throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.write(f, List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "model name\t: AMD EPYC 9R14",
                "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512dq", "", "processor\t: 1", "model name\t: AMD EPYC 9R14"));
        assertEquals("AMD EPYC 9R14 (AVX-512)", Machine.cpuModel(f));
        Files.write(f, List.of("model name : Intel(R) Core(TM) i7", "flags : sse2 avx avx2 fma"));
        assertEquals("Intel(R) Core(TM) i7 (AVX2)", Machine.cpuModel(f));
    }

    @Test
    void fallsBackToTheArchitecture() {
        assertEquals(System.getProperty("os.arch"), Machine.cpuModel(dir.resolve("missing")));
        Machine m = Machine.current();
        assertTrue(m.cores() >= 1 && !m.cpu().isBlank() && m.java().contains(System.getProperty("java.version")));
    }
}
