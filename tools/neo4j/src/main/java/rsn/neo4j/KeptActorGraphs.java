package rsn.neo4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.internal.kernel.api.security.AccessMode;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.storageengine.api.TransactionIdStore;

/**
 * The actor graphs of the latest scopes asked about, kept between the calls of one weakness
 * report: its cut vertices, betweenness, best reach and nearest centres each work on the same
 * graph, which at national scale takes seconds to read.
 *
 * <p>A graph is kept, with its strengths and prefectures, per database, labels, types, scope
 * and day, until a transaction changes a node of the labels or a relationship of the types
 * (see {@link GraphChanges}: a referral moved, a key used or an audit entry written leave it);
 * without the listener of {@link GraphChangesExtension}, until any transaction closes. It is kept
 * only if nothing it depends on changed while it was read. Calls whose own transaction has
 * changes, and users who may not read every node, relationship and property it is made of
 * (Enterprise's fine-grained access control), read the graph anew each time.
 *
 * <p>Sizes: at most {@code -Drsn.actorGraphs.max} graphs (default 2: the whole network and a
 * prefecture) and {@code -Drsn.actorGraphs.maxTies} ties in each (default 20,000,000, a network
 * of about 3 million enterprises: some 12 bytes a tie and 70 an actor); a larger graph is read
 * each time.
 */
final class KeptActorGraphs {
    static final int MAX = Integer.getInteger("rsn.actorGraphs.max", 2);
    static final long MAX_TIES = Long.getLong("rsn.actorGraphs.maxTies", 20_000_000L);

    /** The kept graphs, the one used least recently first. */
    private static final Map<String, Kept> KEPT = new LinkedHashMap<>(4, 0.75f, true);

    private record Kept(long stamp, ActorGraph graph) {}

    /** What the graph is made of, beside the labels and types asked for. */
    private static final String[] NODE_KEYS = {"id", "prefecture", "founded", "ended"};
    private static final String[] RELATIONSHIP_KEYS = {"strength", "since", "until"};

    private KeptActorGraphs() {}

    /**
     * The actor graph of {@code prefecture} (null: the whole network) as of {@code on}, as
     * {@link ActorGraph#read} reads it with the ties' strengths when {@code strengths} and the
     * actors' prefectures when {@code places}: the kept one when it still holds, else read (and
     * kept, with both, when it may be).
     */
    static ActorGraph of(Transaction tx, GraphDatabaseService db, List<String> labels, List<String> types,
            String prefecture, BestPaths.Day on, boolean strengths, boolean places) {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        if (!keeps(ktx)) return ActorGraph.read(tx, labels, types, prefecture, on, strengths, places);
        GraphDatabaseAPI database = (GraphDatabaseAPI) db;
        String id = String.valueOf(database.databaseId());
        boolean tracked = GraphChanges.tracked(id);
        TransactionIdStore closed = tracked
                ? null
                : database.getDependencyResolver().resolveDependency(TransactionIdStore.class);
        List<String> names = new ArrayList<>(labels);
        names.addAll(types);
        String key = id + "|" + tracked + "|" + labels + "|" + types + "|"
                + (prefecture == null ? "" : "=" + prefecture) + "|" + (on == null ? "-" : on.text());
        long before = tracked ? GraphChanges.sequence(id) : closed.getLastClosedTransactionId();
        synchronized (KEPT) {
            Kept kept = KEPT.get(key);
            if (kept != null && (tracked
                    ? GraphChanges.unchangedSince(id, kept.stamp(), names)
                    : kept.stamp() == before)) {
                return kept.graph();
            }
        }
        ActorGraph graph = ActorGraph.read(tx, labels, types, prefecture, on, true, true);
        boolean unchanged = tracked
                ? GraphChanges.unchangedSince(id, before, names)
                : closed.getLastClosedTransactionId() == before;
        if (unchanged && graph.edges() <= MAX_TIES) {
            synchronized (KEPT) {
                KEPT.put(key, new Kept(before, graph));
                Iterator<Kept> oldest = KEPT.values().iterator();
                while (KEPT.size() > MAX) {
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        return graph;
    }

    /** Forget the graphs kept of {@code database} (its id): it stopped, and may start again
     * over other files, its changes counted anew. */
    static void drop(String database) {
        synchronized (KEPT) {
            KEPT.keySet().removeIf(key -> key.startsWith(database + "|"));
        }
    }

    /** Whether a graph read in {@code ktx} may be kept for, or taken from, other calls: its
     * transaction has no changes of its own, and its user reads every node, relationship and
     * property a graph is made of. */
    private static boolean keeps(KernelTransaction ktx) {
        if (((TxStateHolder) ktx).hasTxStateWithChanges()) return false;
        AccessMode mode = ktx.securityContext().mode();
        if (!mode.allowsTraverseAllLabels() || !mode.allowsTraverseAllRelTypes()) return false;
        TokenRead tokens = ktx.tokenRead();
        for (String name : NODE_KEYS) {
            int key = tokens.propertyKey(name);
            if (key >= 0 && !mode.allowsReadPropertyAllLabels(key)) return false;
        }
        for (String name : RELATIONSHIP_KEYS) {
            int key = tokens.propertyKey(name);
            if (key >= 0 && !mode.allowsReadPropertyAllRelTypes(key)) return false;
        }
        return true;
    }
}
