package io.ramspool.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.dump.CorruptManifestException;
import io.ramspool.spool.internal.dump.DumpManifest;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.OfflineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ramspool stats}: counts and sizes of the spool, of the checkpoint and of the current dump. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Print the number of mails and bytes per queue and repository, the quarantine, the free space of"
        + " the spool's file system, the checkpoint and the current dump.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = common.storeOptions().getRoot();
        try (OfflineStore store = OfflineStore.lock(root)) {
            printSpool(out, store);
        }
        printDump(out, common.dumpDirectory());
        return ExitCodes.OK;
    }

    private static void printSpool(PrintWriter out, OfflineStore store) throws IOException {
        long totalMails = 0;
        long totalBytes = 0;
        out.printf("spool %s%n", store.getRoot());
        for (AreaId area : store.listAreas()) {
            long mails = 0;
            long bytes = 0;
            for (Path file : store.listEntryFiles(area)) {
                mails++;
                bytes += Files.size(file);
            }
            out.printf("  %-10s %-40s %8d mails %12d bytes%n", area.getKind().getDirectoryName(), area.getName(),
                mails, bytes);
            totalMails += mails;
            totalBytes += bytes;
        }
        FileStore fileSystem = Files.getFileStore(store.getRoot());
        out.printf("  total %d mails, %d bytes; quarantined entries %d; file system %s free %d of %d bytes%n",
            totalMails, totalBytes, store.countQuarantinedEntries(), fileSystem.type(), fileSystem.getUsableSpace(),
            fileSystem.getTotalSpace());
    }

    private static void printDump(PrintWriter out, Path dumpDirectory) throws IOException {
        Optional<Path> checkpoint = SpoolDumps.findCheckpoint(dumpDirectory);
        if (checkpoint.isPresent()) {
            printCheckpoint(out, checkpoint.get());
        }
        Optional<Path> dump = SpoolDumps.findCurrent(dumpDirectory);
        if (dump.isEmpty()) {
            out.printf("dump directory %s: no current dump%n", dumpDirectory);
            return;
        }
        try {
            DumpManifest manifest = DumpManifest.read(dump.get().resolve(DumpManifest.FILE_NAME));
            long bytes = manifest.getFiles().stream().mapToLong(DumpManifest.Entry::size).sum();
            out.printf("current dump %s: created %s from %s, %d files, %d bytes%n", dump.get(), manifest.getCreated(),
                manifest.getSource(), manifest.getFiles().size(), bytes);
        } catch (CorruptManifestException e) {
            out.printf("current dump %s: %s (run ramspool verify --dump)%n", dump.get(), e.getMessage());
        }
    }

    private static void printCheckpoint(PrintWriter out, Path checkpoint) throws IOException {
        long files = 0;
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(checkpoint)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".msg") && !name.startsWith(".tmp-")) {
                    files++;
                    bytes += Files.size(file);
                }
            }
        }
        out.printf("checkpoint %s: %d entry files, %d bytes; a restore replays it instead of the current dump%n",
            checkpoint, files, bytes);
    }
}
