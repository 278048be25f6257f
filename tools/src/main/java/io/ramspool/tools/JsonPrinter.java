package io.ramspool.tools;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Prints a JSON document as indented {@code key: value} lines, in the order the server sent
 * them: readable for an operator, stable enough to grep. Arrays of objects become {@code -} items.
 */
final class JsonPrinter {
    private static final String INDENT = "  ";

    private final PrintWriter out;

    JsonPrinter(PrintWriter out) {
        this.out = out;
    }

    void print(JsonNode node) {
        printFields(node, "");
    }

    private void printFields(JsonNode object, String indent) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            printField(field.getKey(), field.getValue(), indent);
        }
    }

    private void printField(String name, JsonNode value, String indent) {
        if (value.isObject()) {
            out.println(indent + name + ":");
            printFields(value, indent + INDENT);
        } else if (value.isArray()) {
            out.println(indent + name + ":" + (value.isEmpty() ? " []" : ""));
            printItems(value, indent + INDENT);
        } else {
            out.println(indent + name + ": " + scalar(value));
        }
    }

    private void printItems(JsonNode array, String indent) {
        for (JsonNode item : array) {
            if (item.isObject()) {
                out.println(indent + "-");
                printFields(item, indent + INDENT);
            } else {
                out.println(indent + "- " + scalar(item));
            }
        }
    }

    private static String scalar(JsonNode value) {
        return value.isNull() ? "-" : value.asText();
    }
}
