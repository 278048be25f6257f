package io.ramspool.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;

import io.ramspool.spool.dump.DumpReport;
import io.ramspool.spool.dump.ReloadReport;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;

/**
 * Times dump and reload of a spool of N mails of B bytes next to {@code cp -a} of the same
 * directory, in one run. Arguments: spool parent (RAM disk), dump parent (durable disk), N, B.
 * Not a test: run it with exec:java (see docs/dump-and-reload.md).
 */
public final class DumpReloadMeasurement {
    private DumpReloadMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path ramParent = Paths.get(args.length > 0 ? args[0] : "/dev/shm");
        Path diskParent = Paths.get(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        int mails = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int bodyBytes = args.length > 3 ? Integer.parseInt(args[3]) : 10 * 1024;
        Path spool = ramParent.resolve("ramspool-measure-spool");
        Path dumpDir = diskParent.resolve("ramspool-measure-dump");
        Path copy = diskParent.resolve("ramspool-measure-cp");
        deleteTree(spool);
        deleteTree(dumpDir);
        deleteTree(copy);
        StoreOptions options = StoreOptions.ramDisk(spool);
        fill(options, mails, bodyBytes);
        System.out.printf("spool: %d mails of %d body bytes in %s; durable disk %s%n", mails, bodyBytes, spool,
            diskParent);

        long cpOut = time("cp", "-a", spool.toString(), copy.toString());
        long sync = time("sync");
        DumpReport dump = SpoolDumps.dump(options, dumpDir);
        deleteTree(spool);
        long cpBack = time("cp", "-a", copy.toString(), spool.toString());
        deleteTree(spool);
        ReloadReport reload = SpoolDumps.reloadIfEmpty(options, dumpDir);

        System.out.printf("cp -a spool -> disk:        %6d ms (+ sync %d ms)%n", cpOut, sync);
        System.out.printf("ramspool dump (fsynced):    %6d ms  %d mails %d bytes%n", dump.getDurationMillis(),
            dump.getEntries(), dump.getBytes());
        System.out.printf("cp -a disk -> spool:        %6d ms%n", cpBack);
        System.out.printf("ramspool reload (verified): %6d ms  %d mails imported%n", reload.getDurationMillis(),
            reload.getImported());
        deleteTree(spool);
        deleteTree(dumpDir);
        deleteTree(copy);
    }

    private static void fill(StoreOptions options, int mails, int bodyBytes) throws Exception {
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        byte[] head = "Subject: measurement\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (SpoolStore store = SpoolStore.open(options)) {
            for (int i = 0; i < mails; i++) {
                EntryHeader header = EntryHeader.builder()
                    .sequence(store.nextSequence())
                    .name("mail-" + i)
                    .sender("sender@example.com")
                    .recipients(ImmutableList.of("rcpt@example.org"))
                    .build();
                store.write(AreaId.queue("spool"), header, out -> {
                    out.write(head);
                    out.write(body);
                });
            }
        }
    }

    private static long time(String... command) throws Exception {
        Stopwatch stopwatch = Stopwatch.createStarted();
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
        }
        return stopwatch.elapsed().toMillis();
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
