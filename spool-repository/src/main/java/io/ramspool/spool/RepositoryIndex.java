package io.ramspool.spool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.common.collect.ImmutableList;

import io.ramspool.spool.internal.store.SpoolEntry;

/**
 * The in-memory index of one repository area: repository key to its committed entry, in
 * insertion order. Shared by every {@link RamDiskMailRepository} instance of the same URL.
 * Guarded by its own monitor.
 */
final class RepositoryIndex {
    private final Map<String, SpoolEntry> entriesByKey = new LinkedHashMap<>();

    RepositoryIndex(List<SpoolEntry> recovered) {
        recovered.forEach(entry -> entriesByKey.put(keyOf(entry), entry));
    }

    static String keyOf(SpoolEntry entry) {
        return entry.getHeader().getKey().orElse(entry.getHeader().getName());
    }

    synchronized Optional<SpoolEntry> put(String key, SpoolEntry entry) {
        return Optional.ofNullable(entriesByKey.put(key, entry));
    }

    synchronized Optional<SpoolEntry> get(String key) {
        return Optional.ofNullable(entriesByKey.get(key));
    }

    synchronized Optional<SpoolEntry> remove(String key) {
        return Optional.ofNullable(entriesByKey.remove(key));
    }

    synchronized List<String> keys() {
        return ImmutableList.copyOf(entriesByKey.keySet());
    }

    synchronized List<SpoolEntry> removeAll() {
        List<SpoolEntry> removed = ImmutableList.copyOf(entriesByKey.values());
        entriesByKey.clear();
        return removed;
    }

    synchronized long size() {
        return entriesByKey.size();
    }
}
