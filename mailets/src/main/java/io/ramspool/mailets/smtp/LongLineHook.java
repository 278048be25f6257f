package io.ramspool.mailets.smtp;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, after the final dot, a mail that had a line too long for the SMTP server's framing
 * (8192 bytes in James 3.8.1), instead of letting it through without that line.
 *
 * <p>James's own framing answers {@code 500 Line length exceeded} in the middle of the data, drops
 * the line and goes on reading: a client takes that 500 as the answer to its mail and bounces it,
 * while the server accepts the rest of the mail with a second reply and delivers it damaged. The
 * ramspool relay's frame decoder keeps quiet about such a line while a mail's data is being read,
 * counts it in the transaction under {@link #DROPPED_LINES}, and this hook then refuses the whole
 * mail with {@code 500 5.5.2}: one answer, at the right moment, and nothing stored.
 *
 * <p>Handler chain of {@code smtpserver.xml}, before James's core handlers:
 * <pre>
 * &lt;handler class="io.ramspool.mailets.smtp.LongLineHook"/&gt;
 * </pre>
 *
 * <p>Limitation: in a stock James (drop-in jars, without the ramspool launcher) nothing counts
 * dropped lines, so the hook accepts every mail and James's behaviour stays as described above.
 */
public class LongLineHook implements MessageHook {
    /** Lines of the current mail's data that the framing dropped for being too long. */
    public static final ProtocolSession.AttachmentKey<Integer> DROPPED_LINES =
        ProtocolSession.AttachmentKey.of("ramspool.droppedLongLines", Integer.class);
    private static final Logger LOGGER = LoggerFactory.getLogger(LongLineHook.class);

    /** Counts one dropped line in the current transaction of {@code session}. */
    public static void countDroppedLine(ProtocolSession session) {
        int dropped = session.getAttachment(DROPPED_LINES, ProtocolSession.State.Transaction).orElse(0);
        session.setAttachment(DROPPED_LINES, dropped + 1, ProtocolSession.State.Transaction);
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        Optional<Integer> dropped = session.getAttachment(DROPPED_LINES, ProtocolSession.State.Transaction);
        if (dropped.isEmpty()) {
            return HookResult.DECLINED;
        }
        LOGGER.info("Refused a mail with lines longer than the SMTP line limit lines={} remote={}", dropped.get(),
            session.getRemoteAddress());
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.SYNTAX_ERROR_COMMAND_UNRECOGNIZED)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.DELIVERY_SYNTAX)
                + " Line too long: " + dropped.get() + " line(s) of the message exceed the server's limit")
            .build();
    }
}
