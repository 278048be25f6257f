package io.ramspool.distribution.smtp;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/**
 * James's SMTP server factory, making servers whose line decoder is a {@link LongLineFrameDecoder}:
 * a mail with a line over James's limit is refused as a whole after its data (by
 * {@code io.ramspool.mailets.smtp.LongLineHook}) instead of being answered 500 in the middle of
 * its data and then accepted without that line. Everything else is James's.
 */
public class RamspoolSmtpServerFactory extends SMTPServerFactory {
    private static final String STARTTLS = "starttls";

    @Inject
    public RamspoolSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                     MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new SMTPServer(smtpMetrics) {
            @Override
            protected ChannelHandlerFactory createFrameHandlerFactory() {
                return pipeline -> new LongLineFrameDecoder(pipeline, AbstractChannelPipelineFactory.MAX_LINE_LENGTH,
                    STARTTLS);
            }
        };
    }
}
