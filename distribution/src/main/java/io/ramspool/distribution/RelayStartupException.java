package io.ramspool.distribution;

/** A reason the relay refuses to start; its message is printed as is for the operator. */
public class RelayStartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RelayStartupException(String message) {
        super(message);
    }

    public RelayStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
