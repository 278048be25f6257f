package io.ramspool.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small client of James's webadmin API for tests. */
public final class Webadmin {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    public Webadmin(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> request(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + path, e);
        }
    }

    public HttpResponse<String> get(String path) {
        return request("GET", path, null);
    }

    public JsonNode getJson(String path) {
        return parse(get(path).body());
    }

    /** Waits for the task that a webadmin call started and returns its final state. */
    public JsonNode awaitTask(HttpResponse<String> started) {
        String taskId = parse(started.body()).get("taskId").asText();
        return getJson("/tasks/" + taskId + "/await");
    }

    public static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }
}
