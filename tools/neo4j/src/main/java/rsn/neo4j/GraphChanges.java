package rsn.neo4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the committed transactions of each database changed, by node label and relationship
 * type, so that an answer kept by the plugin ({@link Counts}) holds until a transaction changes
 * what it counted, not until any transaction at all closes. A referral moved, a session opened
 * or an audit entry written leave the counts of the graph as they were.
 *
 * <p>{@link GraphChangesExtension} registers a listener on each database that calls
 * {@link #touch} before a transaction commits and again after, with the labels and types of what
 * it changed (or {@link #ANY} for a change that may alter any count: a node's {@code founded} or
 * {@code ended}, which decide whether it and its relationships count on a day). A database
 * without the listener (the extension not on the server's classpath) is not {@link #tracked}, and
 * callers fall back on the last closed transaction.
 *
 * <p>Why a kept answer is never stale: an answer is kept with the sequence number read before it
 * was worked out, and only if none of its names was touched meanwhile; it is used only while
 * none was touched since. A transaction touches its names before its changes can be seen, so an
 * answer worked out over a commit is not kept, and after, so an answer worked out between the two
 * touches (on data that may already be the new one) is not used again.
 */
final class GraphChanges {
    /** The name a change touches when it may alter any count. */
    static final String ANY = "*";

    /** Each tracked database (by id): its sequence, and when each name was last touched. */
    private static final Map<String, Database> DATABASES = new ConcurrentHashMap<>();

    /** How many of the latest touches a database remembers the nodes of (a transaction
     * touches twice, before and after its commit: about half as many transactions). */
    static final int REMEMBERED = 1024;
    /** Beyond this many nodes, a touch is remembered as touching every node. */
    static final int REMEMBERED_NODES = 1000;
    /** What a touch of every node (or of too many to remember) is remembered as. */
    private static final long[] ALL = {-1};

    private static final class Database {
        /** Tells this tracking apart from an earlier one (before the server restarted). */
        private final String epoch = java.util.UUID.randomUUID().toString();
        private long sequence;
        private final Map<String, Long> touched = new HashMap<>();
        /** The nodes of the latest touches (sorted, or {@link #ALL}), the last for
         * {@link #sequence}. */
        private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    }

    private GraphChanges() {}

    /** Start tracking the database {@code database} (its id). */
    static void track(String database) {
        DATABASES.put(database, new Database());
    }

    /** Stop tracking it (it stopped). */
    static void forget(String database) {
        DATABASES.remove(database);
    }

    /** Whether the changes of {@code database} are tracked (its listener is registered). */
    static boolean tracked(String database) {
        return DATABASES.containsKey(database);
    }

    /** The sequence number of {@code database} now (-1 when it is not tracked). */
    static long sequence(String database) {
        Database changes = DATABASES.get(database);
        if (changes == null) return -1;
        synchronized (changes) {
            return changes.sequence;
        }
    }

    /**
     * A stamp of what {@code names} name in {@code database}: two calls give the same stamp only
     * if no transaction touched any of them (nor {@link #ANY}) in between; null when the database
     * is not tracked.
     */
    static String stamp(String database, Collection<String> names) {
        Database changes = DATABASES.get(database);
        if (changes == null) return null;
        synchronized (changes) {
            long last = changes.touched.getOrDefault(ANY, 0L);
            for (String name : names) last = Math.max(last, changes.touched.getOrDefault(name, 0L));
            return changes.epoch + ":" + last;
        }
    }

    /** A transaction of {@code database} changed what {@code names} name and the nodes
     * {@code nodes} (sorted; null: it may have changed any): their hubs' cached ties go
     * ({@link HubCache#drop}). */
    static void touch(String database, Set<String> names, long[] nodes) {
        Database changes = DATABASES.get(database);
        if (changes == null || (names.isEmpty() && nodes != null && nodes.length == 0)) return;
        synchronized (changes) {
            long now = ++changes.sequence;
            for (String name : names) changes.touched.put(name, now);
            changes.recent.addLast(nodes == null || nodes.length > REMEMBERED_NODES ? ALL : nodes);
            if (changes.recent.size() > REMEMBERED) changes.recent.removeFirst();
            HubCache.drop(database, nodes);
        }
    }

    /** Run {@code keep} if no transaction of {@code database} touched the node {@code node}
     * since the sequence number {@code since}, under the lock {@link #touch} takes: a write
     * elsewhere (a referral made, another hub's tie) does not stop a hub's ties read meanwhile
     * from being kept. Not run when the touches since are more than it remembers. */
    static void ifUntouched(String database, long since, long node, Runnable keep) {
        Database changes = DATABASES.get(database);
        if (changes == null) return;
        synchronized (changes) {
            long newer = changes.sequence - since;
            if (newer < 0 || newer > changes.recent.size()) return;
            Iterator<long[]> latest = changes.recent.descendingIterator();
            for (long seen = 0; seen < newer; seen++) {
                long[] nodes = latest.next();
                if (nodes == ALL || Arrays.binarySearch(nodes, node) >= 0) return;
            }
            keep.run();
        }
    }

    /**
     * Whether no transaction of {@code database} touched any of {@code names} (nor {@link #ANY})
     * after the sequence number {@code since}; false when the database is not tracked.
     */
    static boolean unchangedSince(String database, long since, Collection<String> names) {
        Database changes = DATABASES.get(database);
        if (changes == null) return false;
        synchronized (changes) {
            if (changes.touched.getOrDefault(ANY, Long.MIN_VALUE) > since) return false;
            for (String name : names) {
                if (changes.touched.getOrDefault(name, Long.MIN_VALUE) > since) return false;
            }
            return true;
        }
    }
}
