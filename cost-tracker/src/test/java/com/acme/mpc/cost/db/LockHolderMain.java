package com.acme.mpc.cost.db;

import java.nio.file.Path;

/** A second process for {@link EmbeddedDatabaseTest}: holds a data directory's owner lock until stdin closes. */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (DataDirectoryOwnerLock lock = DataDirectoryOwnerLock.acquire(Path.of(args[0]))) {
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait until the test closes our stdin
            }
        }
    }
}
