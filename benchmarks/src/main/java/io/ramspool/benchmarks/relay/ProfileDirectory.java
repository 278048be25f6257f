package io.ramspool.benchmarks.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A copy of one of the archive's profiles (e.g. {@code profiles/edge}) in {@code ROOT/conf}, with
 * {@code ROOT/logs} next to it, edited file by file. Every edit checks that the text it replaces
 * exists, so a profile change breaks the benchmark loudly instead of measuring something else.
 */
public final class ProfileDirectory {
    private final Path root;

    private ProfileDirectory(Path root) {
        this.root = root;
    }

    /** Copies every file of {@code profile} into {@code root/conf} and creates {@code root/logs}. */
    public static ProfileDirectory copy(Path profile, Path root) {
        try {
            Files.createDirectories(root.resolve("conf"));
            Files.createDirectories(root.resolve("logs"));
            try (Stream<Path> files = Files.list(profile)) {
                for (Path file : files.toList()) {
                    Files.copy(file, root.resolve("conf").resolve(file.getFileName()));
                }
            }
            return new ProfileDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy profile " + profile + " to " + root, e);
        }
    }

    public Path getRoot() {
        return root;
    }

    public Path getConf() {
        return root.resolve("conf");
    }

    public Path getLogs() {
        return root.resolve("logs");
    }

    /** Replaces every match of {@code regex} in {@code conf/file}; fails when there is none. */
    public void replace(String file, String regex, String replacement) {
        Path path = getConf().resolve(file);
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            Matcher matcher = Pattern.compile(regex).matcher(content);
            if (!matcher.find()) {
                throw new IllegalStateException("profile file " + path + " has no match for " + regex);
            }
            Files.writeString(path, matcher.replaceAll(Matcher.quoteReplacement(replacement)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + path, e);
        }
    }

    /** Removes {@code conf/file}; fails when it does not exist. */
    public void delete(String file) {
        Path path = getConf().resolve(file);
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    /** Deletes {@code directory} and everything below it, if it exists. */
    public static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
