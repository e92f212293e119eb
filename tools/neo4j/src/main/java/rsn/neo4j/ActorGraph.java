package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipDataAccessor;
import org.neo4j.internal.kernel.api.RelationshipScanCursor;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.RelationshipSelection;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;

/**
 * The actor graph of a scope, as rsn's weakness report makes it: the nodes of the given labels
 * whose {@code prefecture} is the scope's (every one for the whole network) existing on the day,
 * and one undirected tie per pair of them joined by a relationship of the given types holding
 * on it (see {@link BestPaths} for how a day is read; no day: the whole history).
 *
 * <p>Nodes are numbered in the order of their ids; each node's neighbours are
 * {@code around[start[v] .. start[v + 1])}, in that order, once each. With strengths, the tie's
 * {@code strength} is that of the strongest relationship joining the two, as the report's
 * projection keeps it.
 */
final class ActorGraph {
    /** Every actor's id, in id order. */
    final String[] ids;
    final int[] start;
    final int[] around;
    /** The strength of each tie of {@link #around} (null when not read). */
    final double[] strength;
    /** Read with the strengths: for each tie of {@link #around}, its strongest relationship
     * (as rsn's projection picks it: the highest strength, then the first type name, source id
     * and target id) as its type's place in the types asked for, plus {@link #FORWARD} when
     * it starts at the row's actor; and the types of all its relationships, as bits by the
     * same places. */
    final byte[] strongest;
    final int[] kinds;
    /** Each actor's {@code prefecture} (null when not read; an element is null for an actor
     * without a text one). */
    final String[] prefectures;

    /** The bit of {@link #strongest} that says the strongest relationship starts at the
     * row's actor. */
    static final int FORWARD = 0x80;

    private ActorGraph(String[] ids, int[] start, int[] around, double[] strength, byte[] strongest,
            int[] kinds, String[] prefectures) {
        this.ids = ids;
        this.start = start;
        this.around = around;
        this.strength = strength;
        this.strongest = strongest;
        this.kinds = kinds;
        this.prefectures = prefectures;
    }

    /** How many actors the graph has. */
    int nodes() {
        return ids.length;
    }

    /** How many ties the graph has. */
    long edges() {
        return start[ids.length] / 2;
    }

    /** The number of the actor {@code id}, or -1 for an id that is no actor of the graph. */
    int indexOf(String id) {
        int number = id == null ? -1 : Arrays.binarySearch(ids, id);
        return number < 0 ? -1 : number;
    }

    /** Reads the actor graph of {@code prefecture} (null: the whole network) as of {@code on},
     * with the ties' strengths when {@code strengths} and each actor's prefecture when
     * {@code places}. Its arrays are not changed once read: a graph is shared by the calls
     * {@link KeptActorGraphs} keeps it for. */
    @SuppressWarnings("deprecation") // node ids number the nodes of one transaction only
    static ActorGraph read(Transaction tx, List<String> labels, List<String> types, String prefecture,
            BestPaths.Day on, boolean strengths, boolean places) {
        // the actors, in id order
        List<Node> actors = new ArrayList<>();
        List<String> actorIds = new ArrayList<>();
        NodeIndex seen = new NodeIndex(); // a node under two of the labels counts once
        for (String name : labels) {
            Label label = Label.label(name);
            try (ResourceIterator<Node> found = prefecture == null
                    ? tx.findNodes(label)
                    : tx.findNodes(label, "prefecture", prefecture)) {
                while (found.hasNext()) {
                    Node node = found.next();
                    Object id = node.getProperty("id", null);
                    if (id instanceof String text && exists(node, on)
                            && seen.indexOf(node.getId()) < 0) {
                        seen.add(node.getId());
                        actors.add(node);
                        actorIds.add(text);
                    }
                }
            }
        }
        Integer[] order = new Integer[actors.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(actorIds::get));
        int n = order.length;
        String[] ids = new String[n];
        long[] references = new long[n];
        NodeIndex index = new NodeIndex();
        String[] prefectures = places ? new String[n] : null;
        for (int i = 0; i < n; i++) {
            ids[i] = actorIds.get(order[i]);
            Node actor = actors.get(order[i]);
            references[i] = actor.getId();
            index.add(references[i]);
            if (places && actor.getProperty("prefecture", null) instanceof String code) {
                prefectures[i] = code;
            }
        }
        actors = null;
        actorIds = null;

        // each actor's neighbours among the actors, in id order, once each (compressed rows),
        // read with the store's cursors: each relationship's type, ends and the properties
        // it needs, by their tokens
        if (types.size() > 31) throw new IllegalArgumentException("at most 31 relationship types");
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        // each type's place among the types asked for (the first, for a name given twice), by
        // the type's token; -1 for a token of no type asked for
        int[] typeIds = types.stream().mapToInt(tokens::relationshipType).toArray();
        int[] place = new int[Math.max(0, Arrays.stream(typeIds).max().orElse(-1) + 1)];
        Arrays.fill(place, -1);
        for (int k = typeIds.length - 1; k >= 0; k--) if (typeIds[k] >= 0) place[typeIds[k]] = k;
        int[] present = Arrays.stream(typeIds).filter(id -> id >= 0).distinct().toArray();
        // each type's rank among the type names, as the projection compares them
        int[] rank = new int[types.size()];
        List<String> names = new ArrayList<>(types);
        names.sort(null);
        for (int k = 0; k < rank.length; k++) rank[k] = names.indexOf(types.get(k));
        int strengthKey = tokens.propertyKey("strength");
        int sinceKey = on == null ? -1 : tokens.propertyKey("since");
        int untilKey = on == null ? -1 : tokens.propertyKey("until");
        Ties ties = new Ties(ktx, index, place, strengthKey, sinceKey, untilKey, on, strengths);
        RowReader reader = prefecture == null ? ties.scanned(n) : ties.traversed(references, present);
        int[] start = new int[n + 1];
        int[] around = new int[16];
        double[] strength = strengths ? new double[16] : null;
        byte[] strongest = strengths ? new byte[16] : null;
        int[] kinds = strengths ? new int[16] : null;
        Rows rows = new Rows();
        int size = 0;
        try (reader) {
            for (int i = 0; i < n; i++) {
                if ((i & 1023) == 0) ktx.assertOpen();
                int count = reader.fill(i, rows);
                int distinct = strengths ? rows.strongestByNeighbour(count, i, rank) : rows.distinct(count);
                if (size + distinct > around.length) {
                    around = Arrays.copyOf(around, Math.max(around.length * 2, size + distinct));
                    if (strengths) {
                        strength = Arrays.copyOf(strength, around.length);
                        strongest = Arrays.copyOf(strongest, around.length);
                        kinds = Arrays.copyOf(kinds, around.length);
                    }
                }
                System.arraycopy(rows.neighbour, 0, around, size, distinct);
                if (strengths) {
                    System.arraycopy(rows.kept, 0, strength, size, distinct);
                    System.arraycopy(rows.keptCode, 0, strongest, size, distinct);
                    System.arraycopy(rows.keptKinds, 0, kinds, size, distinct);
                }
                size += distinct;
                start[i + 1] = size;
            }
        }
        return new ActorGraph(ids, start, around, strength, strongest, kinds, prefectures);
    }

    /** Puts the relationships of actor {@code i} (each as its other end's number and, with
     * strengths, its strength and code) into {@code rows}; how many there are. */
    private interface RowReader extends AutoCloseable {
        int fill(int i, Rows rows);

        @Override
        void close();
    }

    /** How an actor graph's relationships are read with the store's cursors: those of the
     * types asked for between two actors, holding on the day, with the properties needed. */
    private static final class Ties {
        private final KernelTransaction ktx;
        private final Read read;
        private final CursorFactory cursors;
        private final CursorContext context;
        private final MemoryTracker memory;
        private final NodeIndex index;
        private final int[] place;
        private final int strengthKey, sinceKey, untilKey;
        private final PropertySelection wanted;
        private final BestPaths.Day on;
        private final boolean strengths;
        /** The strength of the relationship read last by {@link #holds}. */
        private double value;

        Ties(KernelTransaction ktx, NodeIndex index, int[] place, int strengthKey, int sinceKey,
                int untilKey, BestPaths.Day on, boolean strengths) {
            this.ktx = ktx;
            this.read = ktx.dataRead();
            this.cursors = ktx.cursors();
            this.context = ktx.cursorContext();
            this.memory = ktx.memoryTracker();
            this.index = index;
            this.place = place;
            this.strengthKey = strengthKey;
            this.sinceKey = sinceKey;
            this.untilKey = untilKey;
            // the properties a relationship is read for: its strength when asked, its dates
            // for a day (the keys no record has are left out)
            int[] keys = Arrays.stream(new int[] {strengths ? strengthKey : -1, sinceKey, untilKey})
                    .filter(key -> key >= 0).toArray();
            this.wanted = keys.length == 0 ? null : PropertySelection.selection(keys);
            this.on = on;
            this.strengths = strengths;
        }

        /** Reads the properties of the relationship under {@code relationship}: whether it
         * holds on the day, its strength in {@link #value} (0 without one). */
        private boolean holds(RelationshipDataAccessor relationship,
                PropertyCursor properties) {
            value = 0.0;
            if (wanted == null) return true;
            String since = null, until = null;
            relationship.properties(properties, wanted);
            while (properties.next()) {
                int key = properties.propertyKey();
                Value found = properties.propertyValue();
                if (key == strengthKey) {
                    value = found instanceof NumberValue amount ? amount.doubleValue() : 0.0;
                } else if (key == sinceKey) {
                    since = found instanceof TextValue text ? text.stringValue() : null;
                } else if (key == untilKey) {
                    until = found instanceof TextValue text ? text.stringValue() : null;
                }
            }
            return on == null || ActorGraph.holds(since, until, on);
        }

        /** The type's place among the types asked for, or -1. */
        private int placeOf(int type) {
            return type < place.length ? place[type] : -1;
        }

        /** Each actor's relationships followed from it (a prefecture's few actors among the
         * store's many): each relationship is read from both its ends. */
        RowReader traversed(long[] references, int[] present) {
            NodeCursor node = cursors.allocateNodeCursor(context, memory);
            RelationshipTraversalCursor relationship = cursors.allocateRelationshipTraversalCursor(context, memory);
            PropertyCursor properties = cursors.allocatePropertyCursor(context, memory);
            RelationshipSelection selection = present.length == 0
                    ? null : RelationshipSelection.selection(present, Direction.BOTH);
            return new RowReader() {
                @Override
                public int fill(int i, Rows rows) {
                    int count = 0;
                    long self = references[i];
                    read.singleNode(self, node);
                    if (selection == null || !node.next()) return 0;
                    node.relationships(relationship, selection);
                    while (relationship.next()) {
                        int number = index.indexOf(relationship.otherNodeReference());
                        // a node's relationship to itself is no tie (rsn refuses them on input)
                        if (number < 0 || number == i || !holds(relationship, properties)) continue;
                        rows.room(count + 1);
                        rows.neighbour[count] = number;
                        if (strengths) {
                            rows.strength[count] = value;
                            boolean forward = relationship.sourceNodeReference() == self;
                            rows.code[count] = (byte) (placeOf(relationship.type()) | (forward ? FORWARD : 0));
                        }
                        count++;
                    }
                    return count;
                }

                @Override
                public void close() {
                    node.close();
                    relationship.close();
                    properties.close();
                }
            };
        }

        /** Every relationship of the store read once, in the store's order (the whole
         * network: most relationships are between actors), and put in each end's row. */
        RowReader scanned(int n) {
            int[] sources = new int[16];
            int[] targets = new int[16];
            double[] values = strengths ? new double[16] : null;
            byte[] codes = strengths ? new byte[16] : null;
            int m = 0;
            long seen = 0;
            try (RelationshipScanCursor relationship = cursors.allocateRelationshipScanCursor(context, memory);
                    PropertyCursor properties = cursors.allocatePropertyCursor(context, memory)) {
                read.allRelationshipsScan(relationship);
                while (relationship.next()) {
                    if ((++seen & 0xffff) == 0) ktx.assertOpen();
                    int kind = placeOf(relationship.type());
                    if (kind < 0) continue;
                    int source = index.indexOf(relationship.sourceNodeReference());
                    if (source < 0) continue;
                    int target = index.indexOf(relationship.targetNodeReference());
                    // a node's relationship to itself is no tie (rsn refuses them on input)
                    if (target < 0 || target == source || !holds(relationship, properties)) continue;
                    if (m == sources.length) {
                        sources = Arrays.copyOf(sources, m * 2);
                        targets = Arrays.copyOf(targets, m * 2);
                        if (strengths) {
                            values = Arrays.copyOf(values, m * 2);
                            codes = Arrays.copyOf(codes, m * 2);
                        }
                    }
                    sources[m] = source;
                    targets[m] = target;
                    if (strengths) {
                        values[m] = value;
                        codes[m] = (byte) kind;
                    }
                    m++;
                }
            }
            // each end's row: its relationships in the store's order
            int[] rowStart = new int[n + 1];
            for (int e = 0; e < m; e++) {
                rowStart[sources[e] + 1]++;
                rowStart[targets[e] + 1]++;
            }
            for (int i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];
            int[] fill = Arrays.copyOf(rowStart, n);
            int[] neighbour = new int[2 * m];
            double[] strength = strengths ? new double[2 * m] : null;
            byte[] code = strengths ? new byte[2 * m] : null;
            for (int e = 0; e < m; e++) {
                int at = fill[sources[e]]++;
                neighbour[at] = targets[e];
                int back = fill[targets[e]]++;
                neighbour[back] = sources[e];
                if (strengths) {
                    strength[at] = values[e];
                    strength[back] = values[e];
                    code[at] = (byte) (codes[e] | FORWARD);
                    code[back] = codes[e];
                }
            }
            return new RowReader() {
                @Override
                public int fill(int i, Rows rows) {
                    int from = rowStart[i];
                    int count = rowStart[i + 1] - from;
                    rows.room(count);
                    System.arraycopy(neighbour, from, rows.neighbour, 0, count);
                    if (strengths) {
                        System.arraycopy(strength, from, rows.strength, 0, count);
                        System.arraycopy(code, from, rows.code, 0, count);
                    }
                    return count;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** The relationships of one actor as they are read, and its ties once merged. */
    private static final class Rows {
        int[] neighbour = new int[16];
        double[] strength = new double[16];
        byte[] code = new byte[16];
        long[] sorted = new long[16];
        double[] kept = new double[16];
        byte[] keptCode = new byte[16];
        int[] keptKinds = new int[16];

        /** Make room for {@code count} relationships. */
        void room(int count) {
            if (count <= neighbour.length) return;
            int size = Math.max(count, neighbour.length * 2);
            neighbour = Arrays.copyOf(neighbour, size);
            strength = Arrays.copyOf(strength, size);
            code = Arrays.copyOf(code, size);
            sorted = new long[size];
            kept = new double[size];
            keptCode = new byte[size];
            keptKinds = new int[size];
        }

        /** The first {@code count} neighbours sorted, each once, in {@link #neighbour}; how
         * many there are. */
        int distinct(int count) {
            Arrays.sort(neighbour, 0, count);
            int distinct = 0;
            for (int k = 0; k < count; k++) {
                if (k == 0 || neighbour[k] != neighbour[k - 1]) neighbour[distinct++] = neighbour[k];
            }
            return distinct;
        }

        /** The first {@code count} relationships of actor {@code self} merged by neighbour, in
         * neighbour order: the strongest of each (its strength, type and direction) kept, and
         * the types of all; how many neighbours there are. */
        int strongestByNeighbour(int count, int self, int[] rank) {
            for (int k = 0; k < count; k++) sorted[k] = ((long) neighbour[k] << 32) | k;
            Arrays.sort(sorted, 0, count);
            int distinct = 0;
            for (int k = 0; k < count; k++) {
                int other = (int) (sorted[k] >>> 32);
                int at = (int) sorted[k];
                double value = strength[at];
                byte mine = code[at];
                int bit = 1 << (mine & ~FORWARD & 0xff);
                if (distinct > 0 && neighbour[distinct - 1] == other) {
                    int last = distinct - 1;
                    keptKinds[last] |= bit;
                    if (stronger(value, mine, kept[last], keptCode[last], self, other, rank)) {
                        kept[last] = value;
                        keptCode[last] = mine;
                    }
                } else {
                    neighbour[distinct] = other;
                    kept[distinct] = value;
                    keptCode[distinct] = mine;
                    keptKinds[distinct++] = bit;
                }
            }
            return distinct;
        }

        /** Whether a relationship (strength, code) between {@code self} and {@code other} comes
         * before another in rsn's order of the strongest: higher strength, then the first type
         * name, then the smaller source id, then the smaller target id (actors are numbered in
         * id order). */
        private static boolean stronger(double value, byte code, double than, byte thanCode, int self,
                int other, int[] rank) {
            if (value != than) return value > than;
            int kind = rank[code & ~FORWARD & 0xff];
            int thanKind = rank[thanCode & ~FORWARD & 0xff];
            if (kind != thanKind) return kind < thanKind;
            int source = (code & FORWARD) != 0 ? self : other;
            int thanSource = (thanCode & FORWARD) != 0 ? self : other;
            return source < thanSource; // the same source and type: the same relationship key
        }
    }

    /** Whether {@code node} exists on the day (always without one): founded in its year or
     * before, not ended on or before it. */
    static boolean exists(Node node, BestPaths.Day day) {
        if (day == null) return true;
        Object founded = node.getProperty("founded", null);
        if (founded instanceof Number year && year.doubleValue() > day.year()) return false;
        Object ended = node.getProperty("ended", null);
        return !(ended instanceof String text && text.compareTo(day.text()) <= 0);
    }

    /** Whether a relationship dated {@code since} to {@code until} (its text values, null
     * for none) holds on the day: begun on or before it, not ended on or before it. */
    static boolean holds(String since, String until, BestPaths.Day day) {
        if (since != null && since.compareTo(day.text()) > 0) return false;
        return !(until != null && until.compareTo(day.text()) <= 0);
    }
}
