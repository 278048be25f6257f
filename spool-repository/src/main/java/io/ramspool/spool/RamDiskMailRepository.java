package io.ramspool.spool;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Preconditions;

import io.ramspool.spool.internal.mail.MailEntries;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;

/**
 * A James mail repository on the RAM spool. Declare it in {@code mailrepositorystore.xml}:
 *
 * <pre>
 * &lt;mailrepository class="io.ramspool.spool.RamDiskMailRepository"&gt;
 *   &lt;protocols&gt;&lt;protocol&gt;ramdisk&lt;/protocol&gt;&lt;/protocols&gt;
 *   &lt;config&gt;&lt;directory&gt;/dev/shm/ramspool&lt;/directory&gt;&lt;/config&gt;
 * &lt;/mailrepository&gt;
 * </pre>
 *
 * and name repositories {@code ramdisk://var/mail/error/}. The {@code <config>} block takes the
 * keys of {@link SpoolConfiguration}. Every repository and the queues naming the same directory
 * share one store. A stored mail is committed (written and renamed) before {@link #store}
 * returns; storing an existing key replaces the entry atomically (the new entry is committed
 * before the old one is deleted).
 *
 * <p>Thread-safe.
 */
public class RamDiskMailRepository implements MailRepository, Configurable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RamDiskMailRepository.class);

    private final MailRepositoryUrl url;
    private final AreaId area;
    private SpoolStore store;
    private RepositoryIndex index;

    @Inject
    public RamDiskMailRepository(MailRepositoryUrl url) {
        this.url = Preconditions.checkNotNull(url, "url");
        this.area = AreaId.repository(url.asString());
    }

    /** A repository already bound to an open store, for the tools and tests. */
    public RamDiskMailRepository(MailRepositoryUrl url, SpoolStore store) {
        this(url);
        attach(store);
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        SpoolConfiguration settings;
        try {
            settings = SpoolConfiguration.from(configuration);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("bad <config> for mail repository " + url.asString() + ": "
                + e.getMessage(), e);
        }
        try {
            attach(SpoolStores.open(settings.toStoreOptions()));
        } catch (StoreException e) {
            throw new ConfigurationException("cannot open the spool of mail repository " + url.asString() + ": "
                + e.getMessage(), e);
        }
    }

    private void attach(SpoolStore spoolStore) {
        this.store = spoolStore;
        this.index = spoolStore.view(area, RepositoryIndex::new);
        LOGGER.info("Mail repository opened url={} path={} mails={}", url.asString(), spoolStore.getRoot(),
            index.size());
    }

    @Override
    public long size() {
        return requireIndex().size();
    }

    @Override
    public synchronized MailKey store(Mail mail) throws MessagingException {
        MailKey key = MailKey.forMail(mail);
        EntryHeader header = MailEntries.describe(mail)
            .sequence(requireStore().nextSequence())
            .key(key.asString())
            .build();
        SpoolEntry entry;
        try {
            entry = store.write(area, header, MailEntries.bodyOf(mail));
        } catch (StoreException e) {
            throw new MessagingException("cannot store mail " + key.asString() + " in repository " + url.asString()
                + ": " + e.getMessage(), e);
        }
        Optional<SpoolEntry> replaced = index.put(key.asString(), entry);
        if (replaced.isPresent()) {
            delete(replaced.get());
        }
        return key;
    }

    @Override
    public Iterator<MailKey> list() {
        return requireIndex().keys().stream().map(MailKey::new).iterator();
    }

    @Override
    public Mail retrieve(MailKey key) throws MessagingException {
        Optional<SpoolEntry> entry = requireIndex().get(key.asString());
        if (entry.isEmpty()) {
            return null;
        }
        return MailEntries.toMail(store, entry.get());
    }

    @Override
    public synchronized void remove(MailKey key) throws MessagingException {
        Optional<SpoolEntry> removed = requireIndex().remove(key.asString());
        if (removed.isPresent()) {
            delete(removed.get());
        }
    }

    @Override
    public synchronized void removeAll() throws MessagingException {
        List<SpoolEntry> removed = requireIndex().removeAll();
        for (SpoolEntry entry : removed) {
            delete(entry);
        }
        LOGGER.info("Mail repository emptied url={} mails={}", url.asString(), removed.size());
    }

    private void delete(SpoolEntry entry) throws MessagingException {
        try {
            store.delete(entry);
        } catch (StoreException e) {
            throw new MessagingException("cannot delete " + entry.getPath() + " of repository " + url.asString()
                + ": " + e.getMessage(), e);
        }
    }

    private SpoolStore requireStore() {
        Preconditions.checkState(store != null, "mail repository %s is not configured", url.asString());
        return store;
    }

    private RepositoryIndex requireIndex() {
        requireStore();
        return index;
    }

    public MailRepositoryUrl getUrl() {
        return url;
    }
}
