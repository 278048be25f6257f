package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** fsync of directories, so that creations and renames in them survive a power loss. */
final class FileSync {
    private static final int SYNC_THREADS = 4;

    private FileSync() {
    }

    /**
     * fsyncs every file, several at a time: the device sees one stream of flushes instead of one
     * round trip per file, which on a journalling file system lets commits be shared.
     */
    static void syncFiles(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(SYNC_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "ramspool-dump-fsync");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> results = new ArrayList<>();
            int batch = Math.max(1, files.size() / (SYNC_THREADS * 4));
            for (int start = 0; start < files.size(); start += batch) {
                List<Path> slice = files.subList(start, Math.min(files.size(), start + batch));
                results.add(pool.submit(() -> syncAll(slice)));
            }
            for (Future<Void> result : results) {
                await(result);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void syncAll(List<Path> files) throws IOException {
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        return null;
    }

    private static void await(Future<Void> result) throws IOException {
        try {
            result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IOException("fsync failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while syncing the dump", e);
        }
    }

    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
