package io.ramspool.benchmarks.smtpclient;

import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.smtp.SmtpResponse;

/**
 * Hands each decoded SMTP reply to the oldest request still waiting for one: a server answers in
 * order, also to pipelined commands. A waiter must be registered with {@link #expect()} before its
 * command is written. When the connection fails or closes, every waiter fails. One instance per
 * channel; {@link #expect()} may be called from any thread.
 */
final class ReplyQueue extends SimpleChannelInboundHandler<SmtpResponse> {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReplyQueue.class);

    private final Queue<CompletableFuture<SmtpResponse>> waiting = new ConcurrentLinkedQueue<>();
    private volatile Throwable failure;

    /** A future for the next reply not yet claimed; it fails when the connection is lost first. */
    CompletableFuture<SmtpResponse> expect() {
        CompletableFuture<SmtpResponse> reply = new CompletableFuture<>();
        waiting.add(reply);
        Throwable cause = failure;
        if (cause != null) {
            failAll(cause);
        }
        return reply;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, SmtpResponse response) {
        CompletableFuture<SmtpResponse> reply = waiting.poll();
        if (reply == null) {
            // A reply nobody asked for (a 421 before closing, say) leaves the session out of step.
            LOGGER.debug("Unexpected SMTP reply code={}, closing", response.code());
            context.close();
            return;
        }
        reply.complete(response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        fail(new ClosedChannelException());
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(cause);
        context.close();
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        failAll(failure);
    }

    private void failAll(Throwable cause) {
        for (CompletableFuture<SmtpResponse> reply = waiting.poll(); reply != null; reply = waiting.poll()) {
            reply.completeExceptionally(cause);
        }
    }
}
