package io.ramspool.distribution;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Copies one of our modules, as found on the test classpath, into a stock James's
 * extensions-jars folder. Maven puts the module's jar there in a full build and its
 * target/classes directory when only the test phase ran; a directory is packed into a jar.
 */
final class ExtensionJars {
    private ExtensionJars() {
    }

    /**
     * @param artifactId e.g. {@code ramspool-mailets}, as in the jar's file name
     * @param moduleDirectory e.g. {@code mailets}, the module's folder in this repository
     */
    static Path install(String artifactId, String moduleDirectory, Path extensions) {
        Path source = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> isModuleEntry(entry, artifactId, moduleDirectory))
            .map(Paths::get)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(artifactId + " is not on the test classpath"));
        Path target = extensions.resolve(artifactId + ".jar");
        try {
            if (Files.isDirectory(source)) {
                packDirectory(source, target);
            } else {
                Files.copy(source, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + source + " as " + target, e);
        }
        return target;
    }

    private static boolean isModuleEntry(String entry, String artifactId, String moduleDirectory) {
        boolean jar = entry.contains(artifactId) && entry.endsWith(".jar") && !entry.endsWith("-tests.jar");
        boolean classes = entry.endsWith("/" + moduleDirectory + "/target/classes");
        return jar || classes;
    }

    private static void packDirectory(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> paths = Files.walk(classes)) {
            files = paths.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (Path file : files) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
    }
}
