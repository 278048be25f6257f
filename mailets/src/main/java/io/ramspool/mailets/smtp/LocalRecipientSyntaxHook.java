package io.ramspool.mailets.smtp;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses with {@code 550 5.1.1}, at RCPT, a recipient of a local domain whose local part no user
 * name can have, such as the quoted {@code "victim@remote.example"@localhost} of a relay probe.
 *
 * <p>Why: James's {@code ValidRcptHandler} turns such a recipient into a user name, which throws;
 * it then answers {@code 451 4.0.0 Unexpected error} and logs an ERROR with a stack trace. A 4xx
 * makes the sender retry for days, and hostile input fills the log. No mailbox can exist for that
 * address, so the permanent "unknown user" is the true answer.
 *
 * <p>Handler chain of {@code smtpserver.xml}, before {@code ValidRcptHandler}:
 * <pre>
 * &lt;handler class="io.ramspool.mailets.smtp.LocalRecipientSyntaxHook"/&gt;
 * </pre>
 * Recipients of other domains are left to the rest of the chain (relay rules decide on them).
 * When the domain list cannot be read the hook declines, and James's own handling applies.
 */
public class LocalRecipientSyntaxHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalRecipientSyntaxHook.class);

    private final DomainList domains;

    @Inject
    public LocalRecipientSyntaxHook(DomainList domains) {
        this.domains = domains;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (canBeUserName(rcpt) || !isLocalDomain(rcpt)) {
            return HookResult.DECLINED;
        }
        LOGGER.info("Refused a local recipient no user can have remote={}", session.getRemoteAddress());
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.ADDRESS_MAILBOX)
                + " Unknown user: no mailbox can have this address")
            .build();
    }

    private static boolean canBeUserName(MailAddress rcpt) {
        try {
            Username.fromLocalPartWithDomain(rcpt.getLocalPart(), rcpt.getDomain());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean isLocalDomain(MailAddress rcpt) {
        try {
            return domains.containsDomain(rcpt.getDomain());
        } catch (DomainListException e) {
            LOGGER.warn("Cannot read the domain list, leaving the recipient to James's checks", e);
            return false;
        }
    }
}
