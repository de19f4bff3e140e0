package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The process's age to the tick: the start-up figure train prints is built on it. */
class ProcessAgeTest {

    @Test
    void parsesTheStartTickAfterACommandNameWithSpacesAndParentheses() {
        String stat = "21390 (a (b) c) R 21345 21345 14328 0 -1 4194304 97 0 0 0 0 0 0 0 20 0 1 0 3314540 3133440 359 0";
        assertEquals(12.34, ProcessAge.fromProc(stat, "33157.74 49029.24\n"), 1e-9);
    }

    @Test
    void agreesWithTheJvmsOwnUptimeToATick() {
        // This test's JVM was exec'd directly, so the process is as old as the JVM: a few tens of
        // milliseconds apart, the JVM's start being recorded after it mapped itself. Whole seconds
        // of boot time (ProcessHandle's start instant) missed this by up to a second.
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            return; // not Linux: the JDK's figure is all there is
        }
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        double age = ProcessAge.seconds().orElseThrow();
        assertTrue(age >= uptime - 0.02 && age <= uptime + 0.3, "process age " + age + " s, JVM uptime " + uptime + " s");
    }
}
