package io.ramspool.mailets.smtp;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Inject;

import io.ramspool.spool.FileSystemSpoolStatus;
import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.CapacityPolicy;

/**
 * SMTP capacity guard: answers {@code 452 4.3.1} before the spool overflows, so that senders
 * keep the mail and try again later or use a backup MX. Declare it first in the handler chain
 * of {@code smtpserver.xml}:
 *
 * <pre>
 * &lt;handler class="io.ramspool.mailets.smtp.SpoolCapacityHook"/&gt;
 * </pre>
 *
 * <ul>
 *   <li>{@code MAIL FROM} with a {@code SIZE} larger than the room left in the spool (minus the
 *       minimum free space) gets 452.</li>
 *   <li>{@code RCPT TO} gets 452 while the spool is above its high watermark (bytes or mails), until
 *       it has drained below the low watermarks (hysteresis).</li>
 *   <li>A message that cannot be stored at the end of DATA already gets a 4xx from James, since the
 *       spool's enqueue fails; this hook makes that rare.</li>
 * </ul>
 *
 * <p>Under the ramspool launcher the hook uses the server's {@link CapacityGuard}, configured by the
 * watermark keys of {@code ramspool.properties}, and the handler takes no settings. In a stock James
 * (drop-in jars) it builds its own guard from its XML settings: {@code directory} (default
 * {@value SpoolConfiguration#DEFAULT_DIRECTORY}) and the watermark keys of {@link CapacityPolicy}.
 *
 * <p>Limitations: in a stock James the hook sees the spool only through its file system (bytes in
 * use, no mail count), so only the byte watermarks apply there.
 */
public class SpoolCapacityHook implements MailHook, RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolCapacityHook.class);
    /** Where James's SIZE extension keeps the size a client announced. */
    static final ProtocolSession.AttachmentKey<Integer> ANNOUNCED_SIZE =
        ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class);
    static final HookResult INSUFFICIENT_STORAGE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.SYSTEM_STORAGE_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_FULL)
            + " Insufficient system storage, try again later")
        .build();

    private CapacityGuard guard;

    /** Set by Guice when the server binds a guard (the ramspool launcher does). */
    @Inject(optional = true)
    void setGuard(CapacityGuard serverGuard) {
        this.guard = serverGuard;
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        if (guard != null) {
            LOGGER.info("SMTP capacity guard uses the spool's watermarks path={} policy={}",
                guard.getStatus().getDirectory(), guard.getPolicy());
            return;
        }
        Path directory = Paths.get(configuration.getString(SpoolConfiguration.DIRECTORY,
            SpoolConfiguration.DEFAULT_DIRECTORY));
        try {
            guard = new CapacityGuard(new FileSystemSpoolStatus(directory), CapacityPolicy.from(configuration));
        } catch (RuntimeException e) {
            throw new ConfigurationException("bad settings for " + getClass().getSimpleName() + ": "
                + e.getMessage(), e);
        }
        LOGGER.info("SMTP capacity guard watches the file system of path={} policy={}", directory,
            guard.getPolicy());
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Optional<Integer> announced = session.getAttachment(ANNOUNCED_SIZE, ProtocolSession.State.Transaction);
        if (announced.isPresent() && !guard.hasRoomFor(announced.get())) {
            LOGGER.info("Refused MAIL FROM with 452: announced size does not fit in the spool size={} available={}",
                announced.get(), guard.getStatus().getAvailableBytes());
            return INSUFFICIENT_STORAGE;
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (guard.isAcceptingMail()) {
            return HookResult.DECLINED;
        }
        LOGGER.debug("Refused RCPT TO with 452: spool above its high watermark");
        return INSUFFICIENT_STORAGE;
    }
}
