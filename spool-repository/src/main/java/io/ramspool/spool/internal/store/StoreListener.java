package io.ramspool.spool.internal.store;

/**
 * Told about every change to the committed entries of a {@link SpoolStore}, for example by the
 * continuous checkpoint, which mirrors the store to a durable disk.
 *
 * <p>Called on the thread that made the change, after the change is committed (the file renamed
 * into place, or deleted), so the caller of {@link SpoolStore#write} or {@link SpoolStore#delete}
 * waits for it: an implementation must be cheap (an in-memory enqueue), must not block and must
 * not throw. Changes of one thread arrive in the order they were made.
 */
public interface StoreListener {

    /** {@code entry} was committed by {@link SpoolStore#write} or {@link SpoolStore#importEntry}. */
    void committed(SpoolEntry entry);

    /** {@code entry}'s file was deleted by {@link SpoolStore#delete}. */
    void deleted(SpoolEntry entry);
}
