package io.ramspool.tools;

/** The exit codes of the {@code ramspool} command; scripts and init units rely on them. */
public final class ExitCodes {
    /** Done, nothing damaged. */
    public static final int OK = 0;
    /** Done, but damaged, missing or unlisted entries were found (and, for restore, quarantined). */
    public static final int DAMAGED = 1;
    /** Bad command line or configuration. */
    public static final int USAGE = 2;
    /** A file or directory could not be read or written; the message names it. */
    public static final int IO_ERROR = 3;
    /** The spool or dump directory is held by a running server or another tool. */
    public static final int LOCKED = 4;

    private ExitCodes() {
    }
}
