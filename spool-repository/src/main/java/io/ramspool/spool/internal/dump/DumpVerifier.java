package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ramspool.spool.dump.DumpVerification;
import io.ramspool.spool.dump.ProgressListener;
import io.ramspool.spool.internal.store.OfflineStore;

/**
 * Checks a dump the way a reload would, changing nothing: the manifest, each listed file's
 * presence, size and CRC32C, and each entry's structure and own checksum.
 */
public final class DumpVerifier {
    private final ProgressListener progress;

    public DumpVerifier(ProgressListener progress) {
        this.progress = progress;
    }

    public DumpVerification verify(Path dump) throws DumpException {
        if (!Files.isDirectory(dump)) {
            throw new DumpException("dump " + dump + " does not exist");
        }
        DumpContents contents = DumpContents.read(dump);
        List<String> problems = new ArrayList<>();
        long entries = 0;
        long quarantineFiles = 0;
        for (String path : contents.getPaths()) {
            Optional<String> problem = check(contents, path);
            if (problem.isPresent()) {
                problems.add("dump file " + dump.resolve(path) + ": " + problem.get());
            } else if (DumpContents.kindOf(path) == DumpContents.FileKind.ENTRY) {
                entries++;
                progress.processed(entries);
            } else {
                quarantineFiles++;
            }
        }
        return new DumpVerification(dump, contents.getManifestProblem(), entries, quarantineFiles, problems);
    }

    private static Optional<String> check(DumpContents contents, String path) {
        Path file = contents.getDump().resolve(path);
        DumpContents.FileKind kind = DumpContents.kindOf(path);
        if (kind == DumpContents.FileKind.UNEXPECTED) {
            return Optional.of("unexpected file, not a spool entry");
        }
        Optional<DumpManifest.Entry> listed = contents.getListed(path);
        try {
            if (listed.isPresent()) {
                if (!Files.isRegularFile(file)) {
                    return Optional.of("missing: listed in the manifest with " + listed.get().size() + " bytes");
                }
                Optional<String> mismatch = DumpContents.checkAgainstManifest(file, listed.get());
                if (mismatch.isPresent()) {
                    return mismatch;
                }
            }
            if (kind == DumpContents.FileKind.ENTRY) {
                OfflineStore.verifyFile(DumpContents.areaOf(path), file);
            }
            if (contents.isUnlisted(path)) {
                return Optional.of("not listed in the manifest (intact, a reload would restore it)");
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
