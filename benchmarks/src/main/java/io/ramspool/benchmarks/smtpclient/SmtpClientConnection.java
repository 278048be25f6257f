package io.ramspool.benchmarks.smtpclient;

import java.io.IOException;

import javax.mail.MessagingException;

/**
 * One open SMTP connection that delivers mails one after the other, as a delivery thread of the
 * mailet would with a pooled connection. Not thread-safe.
 */
interface SmtpClientConnection extends AutoCloseable {
    /**
     * Sends {@code mail} and returns once the server accepted it with 250 after the final dot.
     *
     * @throws IOException or {@link MessagingException} when the server refused any step or the
     *     connection failed: a benchmark run must not count such a mail
     */
    void deliver(BenchmarkMail mail) throws IOException, MessagingException;

    /** Says QUIT without waiting for the answer and closes the connection. */
    @Override
    void close();
}
