package rsn.neo4j;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.neo4j.storageengine.api.TransactionIdStore;

/**
 * The sorted ties of hubs (nodes with at least {@link #MIN_TIES} ties), kept between calls of
 * {@code rsn.kBestPaths} for as long as no transaction closes; one cache per database, choice of
 * relationship types and weight, and day (the ties of a node as of one day are not those of
 * another, nor those of the whole history).
 *
 * <p>Reading a hub's tens of thousands of ties is most of the work of a search that passes
 * through it, and the same few hubs (the big banks, the busy centres) come up again and again.
 *
 * <p>Where the database's changes are tracked ({@link GraphChanges}, the listener of
 * {@link GraphChangesExtension}), a transaction drops only the entries of the nodes it touched
 * (a relationship's two ends, a node changed, and the neighbours of a node whose {@code founded},
 * {@code ended} or labels changed), before its changes can be seen and again after: a referral
 * that completes drops its two centres (their referral tie), a referral made or moved drops none
 * (its links to its centres and enterprise are no ties), and the other hubs stay. An entry is
 * stored only if no transaction touched its node while its ties were read (the check and the
 * store made under the lock the drops take), so a drop never comes before an entry read on the
 * data it replaces.
 *
 * <p>Otherwise, why it is never stale: every entry holds for one "last closed transaction" id, the stamp.
 * A call looks entries up with the id it sees now: a newer one empties the cache first, an older
 * one (a call that began before the latest write) reads the store instead. An entry is stored
 * only if the id was the stamp both before and after its ties were read, so no write closed
 * while they were read. Calls whose own transaction has changes never use the cache, nor do
 * users who may not see every node and tie (Enterprise's fine-grained access control).
 *
 * <p>Callers who may not see every confidential relationship use caches of their own, whose
 * entries keep a hub's confidential ties apart ({@link Shown}); an entry holds for every such
 * caller, whatever it is entitled to.
 *
 * <p>Sizes: {@code -Drsn.hubCache.minTies} (default 1000) and {@code -Drsn.hubCache.maxTies},
 * the most ties kept in all the caches together (default 2,000,000, about 120 MB of heap if all
 * are open ties: 16 bytes a tie and a hash table of neighbours; a confidential tie kept apart
 * takes about 30 bytes more, and its other end's key). At most {@link #MAX_CACHES} caches are
 * kept ({@code -Drsn.hubCache.maxCaches}, default 8: questions are asked as of today, mostly, and
 * of a few other days, by callers who see every tie and by those who do not): asking about
 * another day drops the one used least recently.
 */
final class HubCache {
    static final int MIN_TIES = Integer.getInteger("rsn.hubCache.minTies", 1000);
    static final long MAX_TIES = Long.getLong("rsn.hubCache.maxTies", 2_000_000L);
    static final int MAX_CACHES = Integer.getInteger("rsn.hubCache.maxCaches", 8);

    /** The caches, the one used least recently first. */
    private static final LinkedHashMap<String, HubCache> CACHES = new LinkedHashMap<>(16, 0.75f, true);
    /** The ties kept in all the caches. */
    private static final AtomicLong KEPT = new AtomicLong();

    /** What the cache keeps for a hub: its sorted ties ({@link BestPaths.Ties}), or its ties
     * with the confidential ones apart ({@link Shown}). */
    interface Entry {
        /** How many ties it holds, counted against {@link #MAX_TIES}. */
        int held();
    }

    private final Map<Long, Entry> entries = new HashMap<>();
    /** The database, and whether its changes are tracked (else: its last closed transaction). */
    private final String database;
    private final boolean tracked;
    private final TransactionIdStore closed;
    private long stamp = Long.MIN_VALUE;
    private long ties;
    /** Dropped from {@link #CACHES}: it keeps nothing more. */
    private boolean retired;

    /** The cache of one database (its id, which a recreated database does not share), one
     * choice of relationship types and weight, one day (null: the whole history) and one way of
     * seeing the confidential relationships ({@link Sight#cacheKey}; null: seeing them all). */
    static HubCache of(String database, int[] types, int weight, String day, String sight,
            TransactionIdStore closed) {
        boolean tracked = GraphChanges.tracked(database);
        StringBuilder key = new StringBuilder(database).append('|').append(tracked).append('|').append(weight);
        for (int type : types) key.append(',').append(type);
        key.append('|').append(day == null ? "-" : day);
        if (sight != null) key.append('|').append(sight);
        synchronized (CACHES) {
            HubCache cache = CACHES.get(key.toString());
            if (cache != null) return cache;
            cache = new HubCache(database, tracked, closed);
            CACHES.put(key.toString(), cache);
            Iterator<HubCache> oldest = CACHES.values().iterator();
            while (CACHES.size() > MAX_CACHES) {
                oldest.next().retire();
                oldest.remove();
            }
            return cache;
        }
    }

    private HubCache(String database, boolean tracked, TransactionIdStore closed) {
        this.database = database;
        this.tracked = tracked;
        this.closed = closed;
    }

    /** The stamp a call reads before and after a hub's ties: the database's change sequence
     * where it is tracked, else its last closed transaction. */
    long clock() {
        return tracked ? GraphChanges.sequence(database) : closed.getLastClosedTransactionId();
    }

    /** Forget the entries of {@code nodes} (all of them for null) in every cache of
     * {@code database}; called by {@link GraphChanges#touch} under its lock. */
    static void drop(String database, long[] nodes) {
        String prefix = database + "|";
        synchronized (CACHES) {
            for (Map.Entry<String, HubCache> each : CACHES.entrySet()) {
                if (each.getKey().startsWith(prefix)) each.getValue().forget(nodes);
            }
        }
    }

    private synchronized void forget(long[] nodes) {
        if (nodes == null) {
            clear();
            return;
        }
        for (long node : nodes) {
            Entry gone = entries.remove(node);
            if (gone != null) {
                KEPT.addAndGet(-gone.held());
                ties -= gone.held();
            }
        }
    }

    /** The nodes whose ties some cache of {@code database} keeps now, each once. */
    static long[] cachedNodes(String database) {
        String prefix = database + "|";
        java.util.TreeSet<Long> found = new java.util.TreeSet<>();
        synchronized (CACHES) {
            for (Map.Entry<String, HubCache> each : CACHES.entrySet()) {
                if (each.getKey().startsWith(prefix)) found.addAll(each.getValue().nodes());
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    private synchronized java.util.Set<Long> nodes() {
        return new java.util.HashSet<>(entries.keySet());
    }

    /** How many more ties the caches may keep. */
    static long room() {
        return MAX_TIES - KEPT.get();
    }

    /** The node's cached ties, if they hold at {@code closed} (the {@link #clock} now); else null. */
    synchronized Entry get(long node, long closed) {
        if (tracked) return entries.get(node); // the entries a write touched are gone
        if (closed > stamp) { // a write closed since the entries were read
            clear();
            stamp = closed;
            return null;
        }
        if (closed < stamp) return null; // a call that began before the latest write
        return entries.get(node);
    }

    /**
     * Keep a hub's entry (complete, sorted ties) read between transactions {@code before} and
     * {@code after} (the last closed ids before and after reading), if no write closed meanwhile
     * and there is room.
     */
    void put(long node, Entry complete, long before, long after) {
        if (tracked) {
            GraphChanges.ifUntouched(database, before, node, () -> keep(node, complete));
        } else if (before == after) {
            keepAt(node, complete, after);
        }
    }

    private synchronized void keepAt(long node, Entry complete, long at) {
        if (at == stamp) keep(node, complete);
    }

    private synchronized void keep(long node, Entry complete) {
        if (retired || entries.containsKey(node)) return;
        int size = complete.held();
        if (KEPT.addAndGet(size) > MAX_TIES) {
            KEPT.addAndGet(-size);
            return;
        }
        entries.put(node, complete);
        ties += size;
    }

    /** Whether this is the entry the cache keeps for the node. */
    synchronized boolean holds(long node, Entry these) {
        return entries.get(node) == these;
    }

    /** Forget every entry, giving their room back. */
    private void clear() {
        entries.clear();
        KEPT.addAndGet(-ties);
        ties = 0;
    }

    /** Forget every entry, and keep none from now on. */
    private synchronized void retire() {
        clear();
        retired = true;
    }
}
