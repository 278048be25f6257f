package io.ramspool.spool.dump;

/** What a reload does with the dump (or checkpoint) it replayed, once every entry is in the spool. */
public enum AfterReload {
    /**
     * Rename it {@code retired-<name>}: it is never replayed again on its own, and stays until the
     * next dump for manual recovery. Right when no checkpoint will run: the spool changes from now
     * on and the replayed copy grows stale.
     */
    RETIRE,
    /**
     * Rename it {@code checkpoint}: it holds exactly what the spool now holds, so the continuous
     * checkpoint starting next continues from it instead of copying the whole spool again, and
     * a power loss in the first seconds after the start loses nothing. Only a dump or checkpoint
     * inside the dump directory is kept; one given from elsewhere is left where it is.
     */
    KEEP_AS_CHECKPOINT
}
