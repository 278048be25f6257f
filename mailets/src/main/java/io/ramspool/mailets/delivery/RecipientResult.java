package io.ramspool.mailets.delivery;

import java.util.Objects;

import com.google.common.base.MoreObjects;

/**
 * What happened to one recipient in one delivery: accepted by a host, failed for now, or failed for good. Immutable.
 */
public final class RecipientResult {
    /** The three answers SMTP can give about a recipient. */
    public enum Kind {
        DELIVERED,
        TEMPORARY_FAILURE,
        PERMANENT_FAILURE
    }

    private final Kind kind;
    private final String detail;
    private final boolean viaFallback;

    private RecipientResult(Kind kind, String detail, boolean viaFallback) {
        this.kind = kind;
        this.detail = detail;
        this.viaFallback = viaFallback;
    }

    /** Accepted by {@code host} (after the final dot). */
    public static RecipientResult delivered(SmtpHost host, boolean viaFallback) {
        return new RecipientResult(Kind.DELIVERED, host.toString(), viaFallback);
    }

    public static RecipientResult retryLater(String reason) {
        return new RecipientResult(Kind.TEMPORARY_FAILURE, reason, false);
    }

    public static RecipientResult failedPermanently(String reason) {
        return new RecipientResult(Kind.PERMANENT_FAILURE, reason, false);
    }

    /** A 5xx code is permanent; anything else that is not a success (4xx, no answer) is temporary. */
    static RecipientResult fromFailureCode(int code, String reply) {
        if (code >= 500 && code <= 599) {
            return failedPermanently(reply);
        }
        return retryLater(reply);
    }

    public Kind getKind() {
        return kind;
    }

    /** The accepting host for a delivery, the server reply or local reason for a failure. */
    public String getDetail() {
        return detail;
    }

    public boolean isViaFallback() {
        return viaFallback;
    }

    public boolean isDelivered() {
        return kind == Kind.DELIVERED;
    }

    public boolean isTemporaryFailure() {
        return kind == Kind.TEMPORARY_FAILURE;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof RecipientResult) {
            RecipientResult that = (RecipientResult) o;
            return kind == that.kind && viaFallback == that.viaFallback && detail.equals(that.detail);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, detail, viaFallback);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this)
            .add("kind", kind)
            .add("detail", detail)
            .add("viaFallback", viaFallback)
            .toString();
    }
}
