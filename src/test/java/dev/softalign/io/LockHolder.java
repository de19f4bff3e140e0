package dev.softalign.io;

import java.nio.file.Path;

/** A child process for lock tests: locks the folder given as argument, says so, and waits to be killed. */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (FolderLock lock = FolderLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            System.in.read();
        }
    }
}
