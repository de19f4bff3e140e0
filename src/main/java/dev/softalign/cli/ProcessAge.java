package dev.softalign.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * How long ago this process started, the launcher's shell included (it execs the JVM, keeping its
 * process). {@code ProcessHandle}'s start instant adds the start tick to the boot time, which Linux
 * gives in whole seconds, so a start-up figure built on it was off by up to a second (it once read
 * more than the process's whole wall time). Linux's uptime and the process's start tick share one
 * clock, in hundredths of seconds; elsewhere the JDK's figure is the fallback.
 */
final class ProcessAge {

    /** Linux's USER_HZ, the unit of /proc/[pid]/stat's start time: 100 on every architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessAge() {
    }

    /** Seconds since the process started, if the platform says. */
    static OptionalDouble seconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String uptime = Files.readString(Path.of("/proc/uptime"));
            return OptionalDouble.of(fromProc(stat, uptime));
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant()
                    .map(start -> OptionalDouble.of(java.time.Duration.between(start, java.time.Instant.now()).toNanos() / 1e9))
                    .orElse(OptionalDouble.empty());
        }
    }

    /**
     * The age from a /proc/[pid]/stat line and /proc/uptime: uptime minus the start time (field 22,
     * in ticks since boot). The command name (field 2) may hold spaces and parentheses, so fields
     * are counted from its closing parenthesis, the line's last.
     */
    static double fromProc(String stat, String uptime) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long startTicks = Long.parseLong(after[22 - 3]);
        double up = Double.parseDouble(uptime.trim().split("\\s+")[0]);
        return Math.max(0, up - startTicks / TICKS_PER_SECOND);
    }
}
