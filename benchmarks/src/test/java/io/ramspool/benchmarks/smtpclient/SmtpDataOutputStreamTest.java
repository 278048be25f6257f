package io.ramspool.benchmarks.smtpclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SmtpDataOutputStreamTest {
    @Test
    void dataShouldKeepCrlfLinesUnchanged() throws IOException {
        assertThat(bulk("Subject: x\r\n\r\nbody\r\n")).isEqualTo("Subject: x\r\n\r\nbody\r\n");
    }

    @Test
    void dataShouldTurnBareLineFeedsIntoCrlf() throws IOException {
        assertThat(bulk("one\ntwo\n")).isEqualTo("one\r\ntwo\r\n");
    }

    @Test
    void dataShouldTurnBareCarriageReturnsIntoCrlf() throws IOException {
        assertThat(bulk("one\rtwo\r\r")).isEqualTo("one\r\ntwo\r\n\r\n");
    }

    @Test
    void dataShouldDoubleADotThatStartsALine() throws IOException {
        assertThat(bulk(".first\r\n.\r\nmid\n.after bare LF\r\n")).isEqualTo(
            "..first\r\n..\r\nmid\r\n..after bare LF\r\n");
    }

    @Test
    void dataShouldDoubleADotAfterABareCarriageReturn() throws IOException {
        assertThat(bulk("one\r.two\r\n")).isEqualTo("one\r\n..two\r\n");
    }

    @Test
    void dataShouldKeepADotInsideALine() throws IOException {
        assertThat(bulk("a.b. c\r\n")).isEqualTo("a.b. c\r\n");
    }

    @Test
    void closeShouldEndAnUnterminatedLastLine() throws IOException {
        assertThat(bulk("last line")).isEqualTo("last line\r\n");
    }

    @Test
    void closeShouldAddNothingToEmptyData() throws IOException {
        assertThat(bulk("")).isEmpty();
    }

    @Test
    void singleByteWritesShouldGiveTheSameBytesAsBulkWrites() throws IOException {
        String input = ".a\r\nb\n\r.c\r\r\n..d\re";

        String byteByByte = encode(input, SmtpDataOutputStreamTest::writeEachByte);

        assertThat(byteByByte).isEqualTo(bulk(input));
    }

    private static String bulk(String input) throws IOException {
        return encode(input, OutputStream::write);
    }

    private static void writeEachByte(OutputStream out, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
        }
    }

    private static String encode(String input, Writer writer) throws IOException {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try (OutputStream testee = new SmtpDataOutputStream(encoded)) {
            writer.write(testee, input.getBytes(StandardCharsets.US_ASCII));
        }
        return encoded.toString(StandardCharsets.US_ASCII);
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out, byte[] bytes) throws IOException;
    }
}
