package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipScanCursor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.internal.kernel.api.security.AccessMode;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.TransactionIdStore;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;

/**
 * {@code rsn.countsOn}: how many nodes of each label exist on a day, and how many relationships
 * of each type hold on it between two nodes that exist then, as rsn's graph reads the day (see
 * {@link BestPaths}: a node exists from 1 January of its {@code founded} year until the day
 * before its {@code ended}; a relationship holds from its {@code since} until the day before its
 * {@code until}).
 *
 * <p>The counts of the whole history come from Neo4j's count store at no cost; those of a day
 * need every node and relationship read. Cypher reads them several times slower than the
 * store's cursors do here (the properties of both ends of every relationship, where this reads
 * every node once and keeps the few that do not exist). Answers are kept per day until a
 * transaction changes what they count ({@link GraphChanges}: a referral moved or a key used
 * leaves them; a node or relationship of the counted labels and types written drops them), so
 * the same question asked again, as a page and its API do, costs nothing. Without the listener
 * of {@link GraphChangesExtension} they are kept only until any transaction closes.
 */
public final class Counts {
    /** The transaction of the call; its kernel side gives the store's cursors. */
    @Context
    public Transaction tx;

    /** The database, whose changes tell whether kept answers still hold. */
    @Context
    public GraphDatabaseService db;

    /** The row of the procedure's answer: counts by label and by type. */
    public static final class Found {
        public Map<String, Object> nodes;
        public Map<String, Object> relationships;

        Found(Map<String, Object> nodes, Map<String, Object> relationships) {
            this.nodes = nodes;
            this.relationships = relationships;
        }
    }

    /** Answers kept, by database, labels, types and day: the stamp they hold from (a sequence
     * number of {@link GraphChanges}, or the last closed transaction), and them. */
    private static final Map<String, Kept> KEPT = new LinkedHashMap<>(16, 0.75f, true);
    /** How many answers are kept at most (a few days are asked about at a time). */
    private static final int MAX_KEPT = 16;

    private record Kept(long stamp, long[] nodes, long[] relationships) {}

    @Procedure(name = "rsn.countsOn", mode = Mode.READ)
    @Description("rsn.countsOn(labels, types, day = ''): how many nodes of each label exist on the"
            + " day (founded year, ended day), and how many relationships of each type hold on it"
            + " (since, until) between two nodes that exist then; the whole store without a day.")
    public Stream<Found> countsOn(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        int[] labelIds = labels.stream().mapToInt(tokens::nodeLabel).toArray();
        int[] typeIds = types.stream().mapToInt(tokens::relationshipType).toArray();
        int[] keys = {
            tokens.propertyKey("founded"), tokens.propertyKey("ended"),
            tokens.propertyKey("since"), tokens.propertyKey("until")
        };

        AccessMode mode = ktx.securityContext().mode();
        boolean seesAll = mode.allowsTraverseAllLabels() && mode.allowsTraverseAllRelTypes();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] < 0) continue;
            seesAll = seesAll && (i < 2
                    ? mode.allowsReadPropertyAllLabels(keys[i])
                    : mode.allowsReadPropertyAllRelTypes(keys[i]));
        }
        GraphDatabaseAPI database = (GraphDatabaseAPI) db;
        String id = String.valueOf(database.databaseId());
        boolean keeps = seesAll && !((TxStateHolder) ktx).hasTxStateWithChanges();
        // what the answer depends on: with the database's changes tracked, only transactions
        // that touch its labels or types (see GraphChanges); else any transaction that closes
        boolean tracked = GraphChanges.tracked(id);
        List<String> names = new ArrayList<>(labels);
        names.addAll(types);
        TransactionIdStore closed = null;
        String key = null;
        long before = 0;
        if (keeps) {
            key = id + "|" + tracked + "|" + labels + "|" + types + "|" + (on == null ? "-" : on.text());
            if (tracked) {
                before = GraphChanges.sequence(id);
            } else {
                closed = database.getDependencyResolver().resolveDependency(TransactionIdStore.class);
                before = closed.getLastClosedTransactionId();
            }
            synchronized (KEPT) {
                Kept kept = KEPT.get(key);
                if (kept != null && (tracked
                        ? GraphChanges.unchangedSince(id, kept.stamp(), names)
                        : kept.stamp() == before)) {
                    return Stream.of(found(labels, kept.nodes(), types, kept.relationships()));
                }
            }
        }
        long[] nodes = new long[labelIds.length];
        long[] relationships = new long[typeIds.length];
        count(ktx, on, labelIds, typeIds, keys, nodes, relationships);
        boolean unchanged = keeps && (tracked
                ? GraphChanges.unchangedSince(id, before, names)
                : closed.getLastClosedTransactionId() == before);
        if (unchanged) {
            synchronized (KEPT) {
                KEPT.put(key, new Kept(before, nodes, relationships));
                Iterator<Kept> oldest = KEPT.values().iterator();
                while (KEPT.size() > MAX_KEPT) {
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        return Stream.of(found(labels, nodes, types, relationships));
    }

    /** Forget the counts kept of {@code database} (its id): it stopped, and may start again
     * over other files, its changes counted anew. */
    static void drop(String database) {
        synchronized (KEPT) {
            KEPT.keySet().removeIf(key -> key.startsWith(database + "|"));
        }
    }

    /** The row of the counts, by name (a name given twice counts once). */
    private static Found found(List<String> labels, long[] nodes, List<String> types, long[] relationships) {
        Map<String, Object> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) byLabel.put(labels.get(i), nodes[i]);
        Map<String, Object> byType = new LinkedHashMap<>();
        for (int i = 0; i < relationships.length; i++) byType.put(types.get(i), relationships[i]);
        return new Found(byLabel, byType);
    }

    /**
     * Count, into {@code nodes} and {@code relationships}, the nodes of each of {@code labelIds}
     * that exist on {@code on} and the relationships of each of {@code typeIds} that hold on it
     * between two nodes that exist then (every one, for a null day). {@code keys} are the
     * property keys founded, ended, since and until (-1 for one no record has).
     */
    private static void count(KernelTransaction ktx, BestPaths.Day on, int[] labelIds, int[] typeIds,
            int[] keys, long[] nodes, long[] relationships) {
        CursorFactory cursors = ktx.cursors();
        CursorContext context = ktx.cursorContext();
        MemoryTracker memory = ktx.memoryTracker();
        Read read = ktx.dataRead();
        PropertySelection nodeDates = PropertySelection.selection(present(keys[0], keys[1]));
        PropertySelection relationshipDates = PropertySelection.selection(present(keys[2], keys[3]));
        int[] typeIndex = new int[Arrays.stream(typeIds).max().orElse(-1) + 1];
        Arrays.fill(typeIndex, -1);
        for (int i = 0; i < typeIds.length; i++) if (typeIds[i] >= 0) typeIndex[typeIds[i]] = i;
        NodeIndex gone = new NodeIndex(); // the nodes that do not exist on the day
        try (NodeCursor node = cursors.allocateNodeCursor(context, memory);
                PropertyCursor properties = cursors.allocatePropertyCursor(context, memory);
                RelationshipScanCursor relationship = cursors.allocateRelationshipScanCursor(context, memory)) {
            long seen = 0;
            read.allNodesScan(node);
            while (node.next()) {
                if ((++seen & 1023) == 0) ktx.assertOpen();
                if (on != null && !exists(node, properties, nodeDates, keys, on)) {
                    gone.add(node.nodeReference());
                    continue;
                }
                for (int i = 0; i < labelIds.length; i++) {
                    if (labelIds[i] >= 0 && node.hasLabel(labelIds[i])) nodes[i]++;
                }
            }
            boolean someGone = gone.size() > 0;
            read.allRelationshipsScan(relationship);
            while (relationship.next()) {
                if ((++seen & 1023) == 0) ktx.assertOpen();
                int type = relationship.type();
                int index = type < typeIndex.length ? typeIndex[type] : -1;
                if (index < 0) continue;
                if (someGone
                        && (gone.indexOf(relationship.sourceNodeReference()) >= 0
                                || gone.indexOf(relationship.targetNodeReference()) >= 0)) continue;
                if (on != null && !holds(relationship, properties, relationshipDates, keys, on)) continue;
                relationships[index]++;
            }
        }
    }

    /** Whether the node under {@code node} exists on the day ({@code keys}: the property keys
     * founded and ended first; {@code dates}: those of them some record has). */
    static boolean exists(NodeCursor node, PropertyCursor properties, PropertySelection dates,
            int[] keys, BestPaths.Day on) {
        node.properties(properties, dates);
        while (properties.next()) {
            int key = properties.propertyKey();
            Value value = properties.propertyValue();
            if (key == keys[0] && value instanceof NumberValue year) {
                if (year.doubleValue() > on.year()) return false;
            } else if (key == keys[1] && value instanceof TextValue ended) {
                if (ended.stringValue().compareTo(on.text()) <= 0) return false;
            }
        }
        return true;
    }

    /** Whether the relationship under {@code relationship} holds on the day. */
    private static boolean holds(RelationshipScanCursor relationship, PropertyCursor properties,
            PropertySelection dates, int[] keys, BestPaths.Day on) {
        relationship.properties(properties, dates);
        while (properties.next()) {
            int key = properties.propertyKey();
            Value value = properties.propertyValue();
            if (key == keys[2] && value instanceof TextValue since) {
                if (since.stringValue().compareTo(on.text()) > 0) return false;
            } else if (key == keys[3] && value instanceof TextValue until) {
                if (until.stringValue().compareTo(on.text()) <= 0) return false;
            }
        }
        return true;
    }

    /** The keys among {@code keys} that some record has. */
    private static int[] present(int... keys) {
        return Arrays.stream(keys).filter(key -> key >= 0).toArray();
    }
}
