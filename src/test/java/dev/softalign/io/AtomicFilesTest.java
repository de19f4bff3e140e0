package dev.softalign.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesBytesAndCreatesParents() throws IOException {
        Path target = dir.resolve("a/b/c.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("c.bin"), names(target.getParent()));
    }

    @Test
    void writesUtf8String() throws IOException {
        Path target = dir.resolve("s.txt");
        AtomicFiles.writeString(target, "grüße λ\n");
        assertArrayEquals("grüße λ\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
    }

    @Test
    void replacesExistingFile() throws IOException {
        Path target = dir.resolve("x.txt");
        Files.writeString(target, "a much longer old content");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("x.txt"), names(dir));
    }

    @Test
    void largeWritesPassThroughTheBuffer() throws IOException {
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Path target = dir.resolve("big.bin");
        AtomicFiles.write(target, out -> {
            out.write(big, 0, 10);
            out.write(big[10]);
            out.write(big, 11, 100_000);
            out.write(big, 100_011, big.length - 100_011);
        });
        assertArrayEquals(big, Files.readAllBytes(target));
    }

    @Test
    void callbackMayCloseTheStream() throws IOException {
        Path target = dir.resolve("w.txt");
        AtomicFiles.write(target, out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                w.write("closed early");
            }
        });
        assertEquals("closed early", Files.readString(target));
    }

    @Test
    void ioExceptionInCallbackKeepsOldFileAndRemovesTemp() throws IOException {
        Path target = dir.resolve("model.bin");
        Files.writeString(target, "old");
        IoFailure e = assertThrows(IoFailure.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial new content".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk on fire");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("model.bin"), names(dir));
        assertOneLineNaming(e, "model.bin");
        assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
    }

    @Test
    void runtimeExceptionInCallbackPropagatesUnchanged() throws IOException {
        Path target = dir.resolve("model.bin");
        Files.writeString(target, "old");
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(new byte[100_000]);
                    throw boom;
                }));
        assertSame(boom, thrown);
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("model.bin"), names(dir));
    }

    @Test
    void parentIsARegularFile() throws IOException {
        Path blocker = dir.resolve("runs");
        Files.writeString(blocker, "not a directory");
        Path target = blocker.resolve("x/model.safetensors");
        IoFailure e = assertThrows(IoFailure.class, () -> AtomicFiles.writeString(target, "data"));
        assertOneLineNaming(e, target.toString());
        assertEquals("not a directory", Files.readString(blocker));
    }

    @Test
    void targetIsADirectory() throws IOException {
        Path target = dir.resolve("d");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "k");
        IoFailure e = assertThrows(IoFailure.class, () -> AtomicFiles.writeString(target, "data"));
        assertOneLineNaming(e, target.toString());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of("d"), names(dir));
    }

    @Test
    void unwritableDirectoryKeepsOldFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path ro = dir.resolve("ro");
        Files.createDirectory(ro);
        Path target = ro.resolve("m.bin");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // Root ignores directory permissions; nothing to test then.
            assumeFalse(Files.isWritable(ro), "running as a user who may write anywhere");
            IoFailure e = assertThrows(IoFailure.class, () -> AtomicFiles.writeString(target, "new"));
            assertOneLineNaming(e, target.toString());
            assertEquals("old", Files.readString(target));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void keepsPermissionsOfReplacedFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path target = dir.resolve("p.txt");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.writeString(target, "new");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    static void assertOneLineNaming(RuntimeException e, String name) {
        String m = e.getMessage();
        assertTrue(m.contains(name), () -> "message does not name " + name + ": " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message spans lines: " + m);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
