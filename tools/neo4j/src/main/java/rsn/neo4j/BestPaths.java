package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
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
import org.neo4j.storageengine.api.RelationshipSelection;
import org.neo4j.storageengine.api.TransactionIdStore;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;

/**
 * {@code rsn.kBestPaths}: the k best simple paths between two nodes, inside the database, where a
 * path's score is the product of its relationships' weights (each in (0, 1]).
 *
 * <p>The same exact bidirectional best-first search as rsn's in-memory one
 * ({@code graph/algorithms/paths.py}): with H = maxHops, a = ceil(H/2) and b = H - a, it grows simple
 * forward halves of at most a ties from the source and simple backward halves of at most b ties
 * from the target, always extending the most promising half, joins halves where they meet, and
 * stops when no half left can beat the k-th best path found (θ). Several relationships between
 * two nodes count as their strongest. The answer is ranked by score, then fewer ties, then the
 * {@code key} property of the nodes in path order.
 *
 * <p>Why it is fast where Cypher is not, on a network with hubs (banks with tens of thousands of
 * clients):
 * <ul>
 * <li>A node's ties are read at most once per call, straight from the store's cursors, and only
 *     when a half ending there can still compete; they are handed out strongest first from a
 *     heap, so ties below θ are never sorted or extended.
 * <li>A hub's sorted ties are kept between calls ({@link HubCache}) until a write closes;
 *     {@code rsn.warmUp} reads the biggest hubs' ties into it at once, e.g. when a server
 *     starts, and every other node's ties once, so the first questions do not read the store
 *     from disk.
 * <li>Where a half's extensions could only be leaves (halves at the depth limit, never
 *     extended) and its end is a hub, they are not made one by one: the half becomes a fan
 *     ({@link Fan}), whose leaves are the hub's first ties, and a leaf is made only when it
 *     meets a half of the other side.
 * </ul>
 *
 * <p>As of a day (a text {@code YYYY-MM-DD}; null for the whole history): a tie counts only if it
 * holds that day (its {@code since}, when it has one, on or before the day, and its {@code until},
 * when it has one, after it) and its other end exists that day (its {@code founded} year, when it
 * has one, not after the day's, and its {@code ended} day, when it has one, after it). rsn checks
 * the ends of the path before it calls. Whether a neighbour exists is read only when its tie is
 * handed out, so ties below θ cost no node read; the hub cache keeps each day's ties apart.
 *
 * <p>Why it is exact: a path P of h ties splits into a forward half of min(a, h) ties and a
 * backward half of the rest. If P was not found, one of those halves was never taken from the
 * queue (or, for a fan's leaf, handed out), so the cursor of its longest ancestor that was taken
 * is still queued (or was dropped below θ) with a bound of at least score(P). The search stops
 * only when every bound is below θ.
 */
public final class BestPaths {
    /** Relative slack of every pruning test, as in paths.py: halves multiply from each end. */
    static final double SLACK = 1e-9;

    /** The transaction of the call; its kernel side gives the store's cursors. */
    @Context
    public Transaction tx;

    /** The database, whose last closed transaction tells whether cached hubs still hold. The
     * kernel and the database's own services are reached by casts (no "unrestricted" setting
     * needed), so the plugin is built for exactly one Neo4j version (see pom.xml). */
    @Context
    public GraphDatabaseService db;

    /** A row of the procedure's answer. */
    public static final class Found {
        public List<Node> nodes;
        public double score;

        Found(List<Node> nodes, double score) {
            this.nodes = nodes;
            this.score = score;
        }
    }

    @Procedure(name = "rsn.kBestPaths", mode = Mode.READ)
    @Description("rsn.kBestPaths(source, target, types, weight, key, k, maxHops, day = ''): the k"
            + " best simple paths of at most maxHops relationships of the given types (either"
            + " direction), scored by the product of their weight property, best first; ties in"
            + " score go to fewer relationships, then to the key property of the nodes in path"
            + " order. With a day (YYYY-MM-DD; null or '' for none), only relationships holding"
            + " that day (since, until) to nodes existing that day (founded year, ended day)"
            + " count.")
    public Stream<Found> kBestPaths(
            @Name("source") Node source,
            @Name("target") Node target,
            @Name("types") List<String> types,
            @Name("weight") String weight,
            @Name("key") String key,
            @Name("k") long k,
            @Name("maxHops") long maxHops,
            @Name(value = "day", defaultValue = "") String day) {
        if (k < 1 || k > 10_000) throw new IllegalArgumentException("k must be from 1 to 10000, got " + k);
        if (maxHops < 1 || maxHops > 64)
            throw new IllegalArgumentException("maxHops must be from 1 to 64, got " + maxHops);
        if (source == null || target == null || source.equals(target)) return Stream.empty();
        Store opened = store(types, weight, day);
        if (opened == null) return Stream.empty(); // no such ties in the store
        try (Store store = opened) {
            @SuppressWarnings("deprecation")
            long from = source.getId(), to = target.getId();
            Search search = new Search(store, (int) k, (int) maxHops);
            search.run(from, to);
            return search.ranked(tx, key).stream();
        }
    }

    /** A row of {@code rsn.warmUp}'s answer: the nodes it read, and the hubs and ties now in
     * the hub cache. (Neo4j maps a procedure's rows from public fields, hence the shape Found
     * has too.) */
    public static final class Warmed {
        public long nodes;
        public long hubs;
        public long ties;

        Warmed(long nodes, long hubs, long ties) {
            this.nodes = nodes;
            this.hubs = hubs;
            this.ties = ties;
        }
    }

    @Procedure(name = "rsn.warmUp", mode = Mode.READ)
    @Description("rsn.warmUp(types, weight, day = ''): reads every node, its properties and its"
            + " relationships of the given types with their weight once, so that the pages a"
            + " question reads are in the page cache, and keeps the sorted ties of the nodes with the most of them in its hub"
            + " cache (as of the day, when given), biggest first, as far as it holds (not for a"
            + " caller who may not use it); returns how many nodes it read, and how many hubs and"
            + " ties are cached.")
    public Stream<Warmed> warmUp(
            @Name("types") List<String> types,
            @Name("weight") String weight,
            @Name(value = "day", defaultValue = "") String day) {
        Store opened = store(types, weight, day);
        if (opened == null) return Stream.of(new Warmed(0, 0, 0));
        KernelTransaction ktx = opened.ktx;
        try (Store store = opened;
                NodeCursor all = ktx.cursors().allocateNodeCursor(ktx.cursorContext(), ktx.memoryTracker())) {
            // nodes with enough relationships (parallel ones and self-loops count here, so this
            // is at least their ties) wait, the most first: the cache may not hold them all
            List<long[]> hubs = new ArrayList<>();
            long nodes = 0;
            store.read.allNodesScan(all);
            while (all.next()) {
                if ((++nodes & 1023) == 0) ktx.assertOpen();
                all.properties(store.properties); // the ids and names that answers show
                while (store.properties.next()) store.properties.propertyValue();
                long node = all.nodeReference();
                if (store.cache != null
                        && all.degreeWithMax(HubCache.MIN_TIES, store.selection) >= HubCache.MIN_TIES) {
                    hubs.add(new long[] {node, all.degree(store.selection)});
                } else {
                    store.scan(node);
                }
            }
            hubs.sort(Comparator.comparingLong((long[] hub) -> -hub[1]));
            long cachedHubs = 0, cachedTies = 0;
            for (long[] hub : hubs) {
                int held = HubCache.room() < hub[1] ? 0 : store.warm(hub[0]);
                if (held == 0) {
                    store.scan(hub[0]);
                } else {
                    cachedHubs++;
                    cachedTies += held;
                }
            }
            return Stream.of(new Warmed(nodes, cachedHubs, cachedTies));
        }
    }

    /**
     * The cursors of a call over the ties of {@code types} weighted by {@code weight}, as of
     * {@code day} (null: the whole history), with the hub cache if this caller may use it; null
     * when the store has no such type or property. The cache is shared by every caller: only
     * those who see every node and tie use it (all users do, on Community; Enterprise can hide
     * some from some), and only calls whose own transaction has no changes, which they must see.
     */
    private Store store(List<String> types, String weight, String day) {
        Day on = Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        int weightKey = tokens.propertyKey(weight);
        int[] typeIds = types.stream().mapToInt(tokens::relationshipType).filter(id -> id >= 0).toArray();
        if (weightKey < 0 || typeIds.length == 0) return null;
        int[] dates = on == null
                ? new int[] {-1, -1, -1, -1}
                : new int[] {
                    tokens.propertyKey("since"),
                    tokens.propertyKey("until"),
                    tokens.propertyKey("founded"),
                    tokens.propertyKey("ended")
                };
        HubCache cache = null;
        TransactionIdStore closed = null;
        AccessMode mode = ktx.securityContext().mode();
        boolean seesAll = mode.allowsTraverseAllLabels()
                && mode.allowsTraverseAllRelTypes()
                && mode.allowsReadPropertyAllRelTypes(weightKey);
        if (on != null) {
            seesAll = seesAll
                    && (dates[0] < 0 || mode.allowsReadPropertyAllRelTypes(dates[0]))
                    && (dates[1] < 0 || mode.allowsReadPropertyAllRelTypes(dates[1]))
                    && (dates[2] < 0 || mode.allowsReadPropertyAllLabels(dates[2]))
                    && (dates[3] < 0 || mode.allowsReadPropertyAllLabels(dates[3]));
        }
        if (seesAll && !((TxStateHolder) ktx).hasTxStateWithChanges()) {
            GraphDatabaseAPI database = (GraphDatabaseAPI) db;
            cache = HubCache.of(database.databaseId().toString(), typeIds, weightKey, day);
            closed = database.getDependencyResolver().resolveDependency(TransactionIdStore.class);
        }
        RelationshipSelection selection = RelationshipSelection.selection(typeIds, Direction.BOTH);
        return new Store(ktx, selection, weightKey, on, dates, cache, closed);
    }

    /** A day questions are asked on: the text {@code YYYY-MM-DD}, and its year. */
    record Day(String text, long year) {
        /** The day of {@code text}, or null for null or an empty text (the default, as Neo4j
         * gives a text argument no null default: the whole history); raises
         * IllegalArgumentException for a text that is not a day. */
        static Day of(String text) {
            if (text == null || text.isEmpty()) return null;
            if (!text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}"))
                throw new IllegalArgumentException("day must be written YYYY-MM-DD, got " + text);
            return new Day(text, Long.parseLong(text.substring(0, 4)));
        }
    }

    /** Reads a node's ties from the store's cursors, reused for the whole call. */
    static final class Store implements AutoCloseable {
        final KernelTransaction ktx;
        final Read read;
        final NodeCursor nodes;
        final RelationshipTraversalCursor relationships;
        final PropertyCursor properties;
        final RelationshipSelection selection;
        final PropertySelection weight;

        /** The day of the call (null: the whole history) and the keys of the properties that
         * date ties and nodes (-1 for one no record has). */
        final Day day;
        final int weightKey, sinceKey, untilKey, foundedKey, endedKey;
        /** Whether each node read so far exists on the day; cursors of their own, as a node is
         * checked while another's ties are read. */
        final NodeMap<Boolean> exists = new NodeMap<>();
        final NodeCursor existsNode;
        final PropertyCursor existsProperties;
        final PropertySelection nodeDates;

        final HubCache cache;
        final TransactionIdStore closed;

        Store(KernelTransaction ktx, RelationshipSelection selection, int weightKey, Day day, int[] dates,
                HubCache cache, TransactionIdStore closed) {
            this.ktx = ktx;
            this.cache = cache;
            this.closed = closed;
            this.day = day;
            this.weightKey = weightKey;
            this.sinceKey = dates[0];
            this.untilKey = dates[1];
            this.foundedKey = dates[2];
            this.endedKey = dates[3];
            CursorFactory cursors = ktx.cursors();
            CursorContext context = ktx.cursorContext();
            MemoryTracker memory = ktx.memoryTracker();
            this.read = ktx.dataRead();
            this.nodes = cursors.allocateNodeCursor(context, memory);
            this.relationships = cursors.allocateRelationshipTraversalCursor(context, memory);
            this.properties = cursors.allocatePropertyCursor(context, memory);
            this.existsNode = cursors.allocateNodeCursor(context, memory);
            this.existsProperties = cursors.allocatePropertyCursor(context, memory);
            this.selection = selection;
            this.weight = day == null
                    ? PropertySelection.selection(weightKey)
                    : PropertySelection.selection(present(weightKey, sinceKey, untilKey));
            this.nodeDates = PropertySelection.selection(present(foundedKey, endedKey));
        }

        /** The keys among {@code keys} that some record has. */
        private static int[] present(int... keys) {
            return Arrays.stream(keys).filter(key -> key >= 0).toArray();
        }

        /** Whether {@code node} exists on the day of the call (always without one). */
        boolean exists(long node) {
            if (day == null || (foundedKey < 0 && endedKey < 0)) return true;
            Boolean known = exists.get(node);
            if (known != null) return known;
            boolean found = false;
            read.singleNode(node, existsNode);
            if (existsNode.next()) {
                found = true;
                existsNode.properties(existsProperties, nodeDates);
                while (existsProperties.next()) {
                    Value value = existsProperties.propertyValue();
                    int key = existsProperties.propertyKey();
                    if (key == foundedKey && value instanceof NumberValue year) {
                        if (year.doubleValue() > day.year()) found = false;
                    } else if (key == endedKey && value instanceof TextValue ended) {
                        if (ended.stringValue().compareTo(day.text()) <= 0) found = false;
                    }
                }
            }
            exists.put(node, found);
            return found;
        }

        /** The node's ties, from the hub cache when they are there and still hold. */
        Ties ties(long node) {
            if (cache == null) return scan(node);
            long before = closed.getLastClosedTransactionId();
            Ties ties = cache.get(node, before);
            if (ties != null) return ties;
            ties = scan(node);
            if (ties.total >= HubCache.MIN_TIES) {
                ties.complete(); // every neighbour checked now, with this call's cursors
                cache.put(node, ties, before, closed.getLastClosedTransactionId());
            }
            return ties;
        }

        /** Reads the node's ties as {@link #ties} does, which keeps them in the hub cache (this
         * store must have one) if they belong there; how many it holds for the node, 0 if none. */
        int warm(long node) {
            Ties ties = ties(node);
            return cache.holds(node, ties) ? ties.total : 0;
        }

        /** The ties of {@code node} with a positive numeric weight, self-loops left out; as of a
         * day, those holding then (whether the other end exists is checked as they are handed
         * out, see {@link Ties#has}). */
        Ties scan(long node) {
            Ties ties = new Ties(day == null ? null : this);
            read.singleNode(node, nodes);
            if (!nodes.next()) return ties;
            nodes.relationships(relationships, selection);
            while (relationships.next()) {
                long other = relationships.otherNodeReference();
                if (other == node) continue;
                relationships.properties(properties, weight);
                double strength = day == null ? weightOnly() : weightHolding();
                if (strength > 0.0) ties.add(other, strength);
            }
            ties.heapify();
            return ties;
        }

        /** The weight of the relationship whose properties are selected, or 0 without one. */
        private double weightOnly() {
            if (!properties.next()) return 0.0;
            return properties.propertyValue() instanceof NumberValue number ? number.doubleValue() : 0.0;
        }

        /** The weight of the relationship whose properties are selected if it holds on the day,
         * else (or without one) 0. */
        private double weightHolding() {
            double strength = 0.0;
            while (properties.next()) {
                int key = properties.propertyKey();
                Value value = properties.propertyValue();
                if (key == weightKey) {
                    if (value instanceof NumberValue number) strength = number.doubleValue();
                } else if (key == sinceKey && value instanceof TextValue since) {
                    if (since.stringValue().compareTo(day.text()) > 0) return 0.0;
                } else if (key == untilKey && value instanceof TextValue until) {
                    if (until.stringValue().compareTo(day.text()) <= 0) return 0.0;
                }
            }
            return strength;
        }

        @Override
        public void close() {
            existsProperties.close();
            existsNode.close();
            properties.close();
            relationships.close();
            nodes.close();
        }
    }

    /**
     * A node's ties, one per neighbour at its strongest, handed out strongest first. They sit in a
     * max-heap; {@link #has} moves them into the sorted prefix only as far as a cursor asks. Once
     * {@link #complete}, nothing changes them again, so calls on several threads can share them.
     */
    static final class Ties {
        /** Tells which neighbours exist on the call's day, until the ties are complete; null
         * when all do (no day). */
        Store alive;
        long[] heapIds = new long[8];
        double[] heapStrengths = new double[8];
        int heapSize;
        long[] ids = new long[0];
        double[] strengths = new double[0];
        int size;
        int total;
        final NodeIndex rank = new NodeIndex(); // neighbour -> index, once handed out

        Ties(Store alive) {
            this.alive = alive;
        }

        void add(long id, double strength) {
            if (heapSize == heapIds.length) {
                heapIds = Arrays.copyOf(heapIds, heapSize * 2);
                heapStrengths = Arrays.copyOf(heapStrengths, heapSize * 2);
            }
            heapIds[heapSize] = id;
            heapStrengths[heapSize++] = strength;
        }

        void heapify() {
            total = heapSize;
            for (int i = heapSize / 2 - 1; i >= 0; i--) siftDown(i);
        }

        /** Sort them all and drop the heap (and the call's store, whose cursors close with it). */
        void complete() {
            has(total);
            alive = null;
            heapIds = null;
            heapStrengths = null;
            ids = Arrays.copyOf(ids, size);
            strengths = Arrays.copyOf(strengths, size);
        }

        /** Whether the node has an i-th strongest neighbour (from 0). */
        boolean has(int i) {
            while (size <= i && heapSize > 0) {
                long id = heapIds[0];
                double strength = heapStrengths[0];
                heapSize--;
                heapIds[0] = heapIds[heapSize];
                heapStrengths[0] = heapStrengths[heapSize];
                siftDown(0);
                if (alive != null && !alive.exists(id)) continue; // not there on the day
                if (rank.add(id) != size) continue; // a weaker parallel tie to the same neighbour
                if (size == ids.length) {
                    ids = Arrays.copyOf(ids, Math.max(4, size * 2));
                    strengths = Arrays.copyOf(strengths, Math.max(4, size * 2));
                }
                ids[size] = id;
                strengths[size++] = strength;
            }
            return i < size;
        }

        private void siftDown(int i) {
            long id = heapIds[i];
            double strength = heapStrengths[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= heapSize) break;
                if (child + 1 < heapSize && heapStrengths[child + 1] > heapStrengths[child]) child++;
                if (heapStrengths[child] <= strength) break;
                heapIds[i] = heapIds[child];
                heapStrengths[i] = heapStrengths[child];
                i = child;
            }
            heapIds[i] = id;
            heapStrengths[i] = strength;
        }
    }

    /** A simple path from one end: its nodes from that end, its ties' weights, their product. */
    record Half(long[] nodes, double[] strengths, double score) {
        long end() {
            return nodes[nodes.length - 1];
        }

        boolean contains(long node) {
            for (long n : nodes) if (n == node) return true;
            return false;
        }

        Half extended(long node, double strength) {
            long[] n = Arrays.copyOf(nodes, nodes.length + 1);
            n[nodes.length] = node;
            double[] s = Arrays.copyOf(strengths, strengths.length + 1);
            s[strengths.length] = strength;
            return new Half(n, s, score * strength);
        }
    }

    /**
     * The untried extensions of a half, from the end's tie {@code index} on; index -1 means the
     * end's ties are not read yet. {@code bound} is at least every such extension's score.
     */
    record Cursor(double bound, long order, int side, Half half, int index, Fan fan) {}

    /** A path's node ids, compared by content. */
    record Sequence(long[] ids) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Sequence s && Arrays.equals(ids, s.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    /**
     * A half whose extensions would only be leaves (halves at the depth limit, never extended)
     * and whose end is a hub. Its leaves are kept virtual, as the first {@code done} ties of the
     * end, instead of being made and recorded one by one: a hub has thousands.
     */
    static final class Fan {
        final Half half;
        int done;

        Fan(Half half) {
            this.half = half;
        }
    }

    /** The fans of one side that end at one hub. */
    record FanEnd(Ties ties, List<Fan> fans) {}

    static final class Search {
        static final int FORWARD = 0, BACKWARD = 1;
        /** Ties from which a node's leaves are kept virtual (see {@link Fan}); tests set it low. */
        static final int HUB = Integer.getInteger("rsn.paths.fanTies", 64);

        final Store store;
        final int k;
        final int[] depth;
        final NodeMap<Ties> read = new NodeMap<>();
        final List<NodeMap<List<Half>>> met = List.of(new NodeMap<>(), new NodeMap<>());
        final List<NodeMap<FanEnd>> fansAt = List.of(new NodeMap<>(), new NodeMap<>());
        final Map<Sequence, Double> found = new HashMap<>();
        final PriorityQueue<Double> best = new PriorityQueue<>(); // the k best scores, least first
        final PriorityQueue<Cursor> queue = new PriorityQueue<>(
                Comparator.comparingDouble((Cursor c) -> -c.bound()).thenComparingLong(Cursor::order));
        final long[] stopAt = new long[2];
        long order, steps;
        double floor; // θ less the slack: bounds below it cannot reach the k best

        Search(Store store, int k, int maxHops) {
            this.store = store;
            this.k = k;
            this.depth = new int[] {(maxHops + 1) / 2, maxHops / 2};
        }

        void run(long source, long target) {
            stopAt[FORWARD] = target;
            stopAt[BACKWARD] = source;
            reach(FORWARD, new Half(new long[] {source}, new double[0], 1.0));
            reach(BACKWARD, new Half(new long[] {target}, new double[0], 1.0));
            while (!queue.isEmpty() && queue.peek().bound() >= floor) {
                if ((++steps & 1023) == 0) store.ktx.assertOpen(); // stop when the call is killed
                Cursor cursor = queue.poll();
                int side = cursor.side();
                Half half = cursor.half();
                Fan fan = cursor.fan();
                int index = cursor.index();
                double bound = cursor.bound();
                Ties ties = tiesOf(half.end());
                if (index < 0) { // the end's ties are read just now, so the bound can become exact
                    index = 0;
                    bound = bound(half, ties, 0);
                    if (half.nodes().length == depth[side] && ties.total >= HUB) fan = fan(side, half, ties);
                }
                // Go on along this cursor while it stays the most promising one in the queue:
                // the same order as pushing it back each time, without the queue's work.
                while (bound >= floor) {
                    Cursor next = queue.peek();
                    if (next != null && next.bound() > bound) {
                        queue.add(new Cursor(bound, order++, side, half, index, fan));
                        break;
                    }
                    long neighbour = ties.ids[index];
                    double strength = ties.strengths[index];
                    if (fan == null) {
                        if (!half.contains(neighbour)) reach(side, half.extended(neighbour, strength));
                    } else {
                        if (!half.contains(neighbour) && anyAt(1 - side, neighbour)) {
                            meet(side, half.extended(neighbour, strength));
                        }
                        fan.done = index + 1;
                    }
                    index++;
                    bound = bound(half, ties, index);
                }
            }
        }

        Ties tiesOf(long node) {
            Ties ties = read.get(node);
            if (ties == null) {
                ties = store.ties(node);
                read.put(node, ties);
            }
            return ties;
        }

        Fan fan(int side, Half half, Ties ties) {
            FanEnd end = fansAt.get(side).get(half.end());
            if (end == null) {
                end = new FanEnd(ties, new ArrayList<>());
                fansAt.get(side).put(half.end(), end);
            }
            Fan fan = new Fan(half);
            end.fans().add(fan);
            return fan;
        }

        /** The bound of the extensions of {@code half} from tie {@code index} on; -1 if none. */
        static double bound(Half half, Ties ties, int index) {
            return ties.has(index) ? half.score() * ties.strengths[index] : -1.0;
        }

        /** Record a new half at its end, join it with the other side's halves there, queue it. */
        void reach(int side, Half half) {
            long end = half.end();
            List<Half> here = met.get(side).get(end);
            if (here == null) {
                here = new ArrayList<>(2);
                met.get(side).put(end, here);
            }
            here.add(half);
            meet(side, half);
            if (half.nodes().length <= depth[side] && end != stopAt[side] && half.score() >= floor) {
                queue.add(new Cursor(half.score(), order++, side, half, -1, null));
            }
        }

        /** Whether some half of {@code side}, recorded or a fan's leaf, ends at {@code node}. */
        boolean anyAt(int side, long node) {
            if (met.get(side).get(node) != null) return true;
            for (FanEnd end : fansAt.get(side).values()) {
                int rank = end.ties().rank.indexOf(node);
                if (rank < 0) continue;
                for (Fan fan : end.fans()) if (rank < fan.done) return true;
            }
            return false;
        }

        /** Join {@code half} with every half of the other side that ends where it ends. */
        void meet(int side, Half half) {
            long node = half.end();
            List<Half> others = met.get(1 - side).get(node);
            if (others != null) for (Half other : others) join(side, half, other);
            for (FanEnd end : fansAt.get(1 - side).values()) {
                int rank = end.ties().rank.indexOf(node);
                if (rank < 0) continue;
                double strength = end.ties().strengths[rank];
                for (Fan fan : end.fans()) {
                    if (rank < fan.done && !fan.half.contains(node)) {
                        join(side, half, fan.half.extended(node, strength));
                    }
                }
            }
        }

        /** Record the path made of a half and a half of the other side that end at one node. */
        void join(int side, Half half, Half other) {
            Half ahead = side == FORWARD ? half : other;
            Half behind = side == FORWARD ? other : half;
            long[] a = ahead.nodes(), b = behind.nodes();
            if (overlap(a, behind)) return;
            long[] path = Arrays.copyOf(a, a.length + b.length - 1);
            for (int i = 0; i < b.length - 1; i++) path[a.length + i] = b[b.length - 2 - i];
            Sequence sequence = new Sequence(path);
            if (found.containsKey(sequence)) return;
            // multiplied in path order, as the score of a path is everywhere else
            double score = 1.0;
            for (double s : ahead.strengths()) score *= s;
            double[] bs = behind.strengths();
            for (int i = bs.length - 1; i >= 0; i--) score *= bs[i];
            found.put(sequence, score);
            if (best.size() < k) best.add(score);
            else if (score > best.peek()) {
                best.poll();
                best.add(score);
            }
            if (best.size() == k) floor = best.peek() * (1.0 - SLACK);
        }

        /** Whether the halves share a node other than the one they meet at. */
        static boolean overlap(long[] ahead, Half behind) {
            for (int i = 0; i < ahead.length - 1; i++) if (behind.contains(ahead[i])) return true;
            return false;
        }

        /** The k best found, by score, then fewer ties, then the nodes' keys in path order. */
        @SuppressWarnings("deprecation")
        List<Found> ranked(Transaction tx, String key) {
            Map<Long, String> keys = new HashMap<>();
            java.util.function.LongFunction<String> keyOf = id -> keys.computeIfAbsent(
                    id, n -> String.valueOf(tx.getNodeById(n).getProperty(key, "")));
            List<Map.Entry<Sequence, Double>> all = new ArrayList<>();
            for (Map.Entry<Sequence, Double> entry : found.entrySet()) {
                if (entry.getValue() >= floor) all.add(entry);
            }
            all.sort(Comparator.comparingDouble((Map.Entry<Sequence, Double> e) -> -e.getValue())
                    .thenComparingInt(e -> e.getKey().ids().length)
                    .thenComparing((x, y) -> {
                        long[] a = x.getKey().ids(), b = y.getKey().ids();
                        for (int i = 0; i < a.length; i++) {
                            int c = keyOf.apply(a[i]).compareTo(keyOf.apply(b[i]));
                            if (c != 0) return c;
                        }
                        return 0;
                    }));
            List<Found> rows = new ArrayList<>();
            for (Map.Entry<Sequence, Double> entry : all.subList(0, Math.min(k, all.size()))) {
                List<Node> nodes = new ArrayList<>();
                for (long id : entry.getKey().ids()) nodes.add(tx.getNodeById(id));
                rows.add(new Found(nodes, entry.getValue()));
            }
            return rows;
        }
    }
}
