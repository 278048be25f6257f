package io.ramspool.benchmarks.smtpclient;

import java.io.IOException;

import io.netty.handler.codec.smtp.SmtpResponse;

/** The server answered a command with another code than the one that lets the mail go on. */
final class SmtpReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;

    SmtpReplyException(String command, String expected, SmtpResponse response) {
        super(command + " answered " + response.code() + " " + String.join(" ", response.details())
            + ", expected " + expected);
        this.code = response.code();
    }

    int getCode() {
        return code;
    }
}
