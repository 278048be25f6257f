package io.ramspool.spool.internal.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.AttributeValue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.CharRange;

/**
 * The short cut of {@link AttributeJson} must be invisible: same text as James's Jackson path,
 * and read back to an equal value by both paths, for any value.
 */
class AttributeJsonTest {
    @Property
    void anyStringIsWrittenAsJamesWritesItAndReadBack(@ForAll String text) throws Exception {
        assertSameAsJames(AttributeValue.of(text));
    }

    @Property
    void plainAsciiStringsTakeTheShortCutAndStayIdentical(
            @ForAll @CharRange(from = ' ', to = '~') @Chars({'"', '\\'}) String text) throws Exception {
        assertSameAsJames(AttributeValue.of(text));
    }

    @Property
    void numbersAndBooleansAreWrittenAsJamesWritesThem(@ForAll long number, @ForAll int integer,
                                                      @ForAll boolean flag) throws Exception {
        assertSameAsJames(AttributeValue.of(number));
        assertSameAsJames(AttributeValue.of(integer));
        assertSameAsJames(AttributeValue.of(flag));
    }

    @Property
    void otherValuesGoThroughJackson(@ForAll double real, @ForAll String key) throws Exception {
        assertSameAsJames(AttributeValue.of(real));
        assertSameAsJames(AttributeValue.of(List.of(AttributeValue.of(key), AttributeValue.of(real))));
        assertSameAsJames(AttributeValue.of(Map.of(key, AttributeValue.of(key))));
    }

    @Property
    void jamesJsonReadsTheSameThroughTheShortCut(@ForAll long number, @ForAll String text) throws Exception {
        String longJson = AttributeValue.of(number).toJson().orElseThrow().toString();
        String textJson = AttributeValue.of(text).toJson().orElseThrow().toString();

        assertThat(AttributeJson.read(longJson)).isEqualTo(AttributeValue.fromJsonString(longJson));
        assertThat(AttributeJson.read(textJson)).isEqualTo(AttributeValue.fromJsonString(textJson));
    }

    @Property
    void anIntegerTooLargeForItsSerializerIsRefusedLikeJamesRefusesIt(@ForAll long number) {
        String json = "{\"serializer\":\"IntSerializer\",\"value\":" + number + "}";
        if (number == (int) number) {
            return;
        }
        assertThatThrownBy(() -> AttributeJson.read(json)).isInstanceOf(IllegalStateException.class);
    }

    @Property
    void anUnserializableValueIsNotWritten(@ForAll String text) {
        assertThat(AttributeJson.write(AttributeValue.ofUnserializable(new StringBuilder(text))))
            .isEqualTo(Optional.empty());
    }

    private static void assertSameAsJames(AttributeValue<?> value) throws Exception {
        String james = value.toJson().orElseThrow().toString();
        String ours = AttributeJson.write(value).orElseThrow();

        assertThat(ours).isEqualTo(james);
        assertThat(AttributeJson.read(ours)).isEqualTo(AttributeValue.fromJsonString(james)).isEqualTo(value);
    }
}
