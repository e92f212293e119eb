package rsn.neo4j;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sorted ties of hubs (nodes with at least {@link #MIN_TIES} ties), kept between calls of
 * {@code rsn.kBestPaths} for as long as no transaction closes.
 *
 * <p>Reading a hub's tens of thousands of ties is most of the work of a search that passes
 * through it, and the same few hubs (the big banks, the busy centres) come up again and again.
 *
 * <p>Why it is never stale: every entry holds for one "last closed transaction" id, the stamp.
 * A call looks entries up with the id it sees now: a newer one empties the cache first, an older
 * one (a call that began before the latest write) reads the store instead. An entry is stored
 * only if the id was the stamp both before and after its ties were read, so no write closed
 * while they were read. Calls whose own transaction has changes never use the cache, nor do
 * users who may not see every node and tie (Enterprise's fine-grained access control).
 *
 * <p>Sizes: {@code -Drsn.hubCache.minTies} (default 1000) and {@code -Drsn.hubCache.maxTies},
 * the most ties kept in all (default 2,000,000, at most about 120 MB of heap: 16 bytes a tie
 * and a hash table of neighbours).
 */
final class HubCache {
    static final int MIN_TIES = Integer.getInteger("rsn.hubCache.minTies", 1000);
    static final long MAX_TIES = Long.getLong("rsn.hubCache.maxTies", 2_000_000L);

    private static final Map<String, HubCache> CACHES = new ConcurrentHashMap<>();

    private final Map<Long, BestPaths.Ties> entries = new HashMap<>();
    private long stamp = Long.MIN_VALUE;
    private long ties;

    /** The cache of one database (its id, which a recreated database does not share) and one
     * choice of relationship types and weight. */
    static HubCache of(String database, int[] types, int weight) {
        StringBuilder key = new StringBuilder(database).append('|').append(weight);
        for (int type : types) key.append(',').append(type);
        return CACHES.computeIfAbsent(key.toString(), k -> new HubCache());
    }

    /** The node's cached ties, if they hold at transaction {@code closed}; else null. */
    synchronized BestPaths.Ties get(long node, long closed) {
        if (closed > stamp) { // a write closed since the entries were read
            entries.clear();
            ties = 0;
            stamp = closed;
            return null;
        }
        if (closed < stamp) return null; // a call that began before the latest write
        return entries.get(node);
    }

    /**
     * Keep complete, sorted ties read between transactions {@code before} and {@code after}
     * (the last closed ids before and after reading), if no write closed meanwhile.
     */
    synchronized void put(long node, BestPaths.Ties complete, long before, long after) {
        if (before != after || after != stamp || ties + complete.total > MAX_TIES) return;
        if (entries.putIfAbsent(node, complete) == null) ties += complete.total;
    }

    /** Whether these are the ties the cache keeps for the node. */
    synchronized boolean holds(long node, BestPaths.Ties these) {
        return entries.get(node) == these;
    }
}
