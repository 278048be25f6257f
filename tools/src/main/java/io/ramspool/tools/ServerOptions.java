package io.ramspool.tools;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import picocli.CommandLine.Option;

/**
 * Where a running relay's webadmin listens: {@code --webadmin URL}, else {@code host} and
 * {@code port} of {@code webadmin.properties} in {@code --conf}, else the profiles' default
 * {@value #DEFAULT_URL}.
 */
final class ServerOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:8000";
    private static final String WEBADMIN_FILE = "webadmin.properties";

    @Option(names = "--webadmin", paramLabel = "URL",
        description = "Base URL of the relay's webadmin (default: host and port of webadmin.properties in --conf,"
            + " else " + DEFAULT_URL + ").")
    URI webadmin;

    @Option(names = "--conf", paramLabel = "DIR",
        description = "James configuration directory of the running relay; webadmin.properties is read from it.")
    Path confDirectory;

    URI baseUri() throws IOException {
        if (webadmin != null) {
            return webadmin;
        }
        if (confDirectory == null || !Files.isRegularFile(confDirectory.resolve(WEBADMIN_FILE))) {
            return URI.create(DEFAULT_URL);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(confDirectory.resolve(WEBADMIN_FILE))) {
            properties.load(in);
        }
        String host = properties.getProperty("host", "127.0.0.1").trim();
        String port = properties.getProperty("port", "8000").trim();
        return URI.create("http://" + host + ":" + port);
    }
}
