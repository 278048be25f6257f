package io.ramspool.spool.internal.mail;

import java.io.IOException;
import java.util.Optional;

import org.apache.mailet.AttributeValue;

/**
 * The JSON of a mail attribute value, as James writes and reads it, with a short cut for the
 * values every relayed mail carries: the SMTP session id and HELO name (strings), the
 * authorised-network flag (boolean), and numbers. Each mail is spooled twice on its way through
 * the relay, and building a Jackson tree for three small values cost as much as writing the mail
 * to the RAM disk.
 *
 * <p>The short cut writes exactly the text James's {@link AttributeValue#toJson()} gives, so an
 * entry reads the same with either path; anything else, a string needing escapes included, goes
 * through Jackson.
 */
final class AttributeJson {
    private static final String PREFIX = "{\"serializer\":\"";
    private static final String MIDDLE = "\",\"value\":";
    private static final String STRING = "StringSerializer";
    private static final String BOOLEAN = "BooleanSerializer";
    private static final String INT = "IntSerializer";
    private static final String LONG = "LongSerializer";

    private AttributeJson() {
    }

    /** The JSON of {@code value}, or empty when James has no serializer for it. */
    static Optional<String> write(AttributeValue<?> value) {
        Optional<String> quick = writeQuickly(value);
        if (quick.isPresent()) {
            return quick;
        }
        return value.toJson().map(Object::toString);
    }

    /** Reads JSON written by {@link #write} or by James. */
    static AttributeValue<?> read(String json) throws IOException {
        Optional<AttributeValue<?>> quick = readQuickly(json);
        if (quick.isPresent()) {
            return quick.get();
        }
        return AttributeValue.fromJsonString(json);
    }

    private static Optional<String> writeQuickly(AttributeValue<?> value) {
        Object raw = value.value();
        // The canonical value must equal the given one: same serializer, not just the same Java type.
        if (raw instanceof String && isPlain((String) raw) && value.equals(AttributeValue.of((String) raw))) {
            return Optional.of(PREFIX + STRING + MIDDLE + '"' + raw + "\"}");
        }
        if (raw instanceof Boolean && value.equals(AttributeValue.of((Boolean) raw))) {
            return Optional.of(PREFIX + BOOLEAN + MIDDLE + raw + '}');
        }
        if (raw instanceof Integer && value.equals(AttributeValue.of((Integer) raw))) {
            return Optional.of(PREFIX + INT + MIDDLE + raw + '}');
        }
        if (raw instanceof Long && value.equals(AttributeValue.of((Long) raw))) {
            return Optional.of(PREFIX + LONG + MIDDLE + raw + '}');
        }
        return Optional.empty();
    }

    private static Optional<AttributeValue<?>> readQuickly(String json) {
        if (!json.startsWith(PREFIX) || !json.endsWith("}")) {
            return Optional.empty();
        }
        int nameEnd = json.indexOf(MIDDLE, PREFIX.length());
        if (nameEnd < 0) {
            return Optional.empty();
        }
        String serializer = json.substring(PREFIX.length(), nameEnd);
        String value = json.substring(nameEnd + MIDDLE.length(), json.length() - 1);
        switch (serializer) {
            case STRING:
                return readString(value);
            case BOOLEAN:
                return readBoolean(value);
            case INT:
                return readNumber(value).filter(number -> number == number.intValue())
                    .map(number -> AttributeValue.of(number.intValue()));
            case LONG:
                return readNumber(value).map(AttributeValue::of);
            default:
                return Optional.empty();
        }
    }

    private static Optional<AttributeValue<?>> readString(String quoted) {
        if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
            return Optional.empty();
        }
        String text = quoted.substring(1, quoted.length() - 1);
        return isPlain(text) ? Optional.of(AttributeValue.of(text)) : Optional.empty();
    }

    private static Optional<AttributeValue<?>> readBoolean(String value) {
        if (value.equals("true")) {
            return Optional.of(AttributeValue.of(true));
        }
        if (value.equals("false")) {
            return Optional.of(AttributeValue.of(false));
        }
        return Optional.empty();
    }

    private static Optional<Long> readNumber(String value) {
        if (value.isEmpty() || value.length() > 20) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && value.length() > 1)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Printable ASCII without quote or backslash: the JSON string is the text itself. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
