package io.ramspool.distribution.smtp;

import org.apache.james.protocols.api.CommandDetectionSession;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.AllButStartTlsLineBasedChannelHandler;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.smtpserver.ExtendedSMTPSession;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.ramspool.mailets.smtp.LongLineHook;

/**
 * James's SMTP line decoder, except for a line too long while a mail's data is being read. James's
 * decoder skips such a line and reports it as an exception event, to which James's core handler
 * answers {@code 500 Line length exceeded} at once; a client takes that as the answer to its mail,
 * while James goes on and accepts the rest of the mail without the line. Here a small handler
 * placed right after the decoder catches that event while the data is being read, counts the line
 * in the transaction, and lets {@link LongLineHook} refuse the whole mail after the final dot. A
 * too-long command line outside the data still gets James's reply.
 */
final class LongLineFrameDecoder extends AllButStartTlsLineBasedChannelHandler {
    static final String INTERCEPTOR = "ramspool-long-line";

    LongLineFrameDecoder(ChannelPipeline pipeline, int maxFrameLength, String startTlsCommand) {
        super(pipeline, maxFrameLength, false, startTlsCommand);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        // The decoder fires its "too long" event to the next handler, so the interceptor goes right after it.
        ctx.pipeline().addAfter(ctx.name(), INTERCEPTOR, new DataLineLengthInterceptor());
    }

    /** Swallows the decoder's "line too long" event while a mail's data is read, and counts the line. */
    static final class DataLineLengthInterceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CommandDetectionSession session = ctx.channel().attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY)
                .get();
            if (cause instanceof TooLongFrameException && isReadingData(session)) {
                LongLineHook.countDroppedLine((ProtocolSession) session);
                return;
            }
            ctx.fireExceptionCaught(cause);
        }

        /** James's DATA handler gives the session a message writer, and the end of the mail takes it back. */
        private static boolean isReadingData(CommandDetectionSession session) {
            return session instanceof ExtendedSMTPSession smtp && smtp.getMimeMessageWriter() != null;
        }
    }
}
