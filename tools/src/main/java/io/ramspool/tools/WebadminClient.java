package io.ramspool.tools;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the {@code /ramspool} routes of a running relay. Failures are {@link IOException}s whose
 * message names the URL, so that the command exits with {@link ExitCodes#IO_ERROR} and says where
 * it tried.
 */
final class WebadminClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A dump of a big spool takes a while; the status answers at once. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final ObjectMapper mapper = new ObjectMapper();

    WebadminClient(URI base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    JsonNode post(String path) throws IOException {
        return send(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private URI resolve(String path) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("cannot reach the relay's webadmin at " + built.uri()
                + " (is the relay running, and is this its webadmin address?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + built.uri(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(built.method() + " " + built.uri() + " answered " + response.statusCode() + ": "
                + errorMessage(response.body()));
        }
        return mapper.readTree(response.body());
    }

    /** Webadmin's error bodies are JSON with a {@code message}; anything else is shown as it is. */
    private String errorMessage(String body) {
        try {
            JsonNode message = mapper.readTree(body).get("message");
            return message == null ? body : message.asText();
        } catch (IOException e) {
            return body;
        }
    }
}
