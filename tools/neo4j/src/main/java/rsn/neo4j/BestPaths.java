package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
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
import org.neo4j.internal.kernel.api.exceptions.PropertyKeyIdNotFoundKernelException;
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
 * <li>A hub's sorted ties are kept between calls ({@link HubCache}) until a write touches them;
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
 * <p>Confidential relationships: a caller may be shown only some of the relationships of the
 * {@code hidden} types ({@link Sight}): those with an end whose key is one of {@code entitled},
 * and those that {@code contributor} asserted (it is the owner, or the relationship has its
 * assertion property). The others do not exist for the search, which is exact on what the caller
 * sees. Such callers have hub caches of their own, whose entries keep a hub's confidential ties
 * apart ({@link Shown}): one entry serves every such caller, which merges the open ties with the
 * confidential ones it sees as the search asks for them ({@link Seen}).
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

    /** The database, whose changes tell whether cached hubs still hold. The
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
    @Description("rsn.kBestPaths(source, target, types, weight, key, k, maxHops, day = '', hidden = [],"
            + " entitled = {}, contributor = '', owner = '', prefix = ''): the k best simple paths of"
            + " at most maxHops relationships of the given types (either direction), scored by the"
            + " product of their weight property, best first; ties in score go to fewer"
            + " relationships, then to the key property of the nodes in path order. With a day"
            + " (YYYY-MM-DD; null or '' for none), only relationships holding that day (since,"
            + " until) to nodes existing that day (founded year, ended day) count. Relationships of"
            + " the hidden types count only if an end's key is a key of entitled, or the contributor"
            + " asserted them: it is the relationship's owner (the property owner) or the"
            + " relationship has the property prefix + contributor.")
    public Stream<Found> kBestPaths(
            @Name("source") Node source,
            @Name("target") Node target,
            @Name("types") List<String> types,
            @Name("weight") String weight,
            @Name("key") String key,
            @Name("k") long k,
            @Name("maxHops") long maxHops,
            @Name(value = "day", defaultValue = "") String day,
            @Name(value = "hidden", defaultValue = "[]") List<String> hidden,
            @Name(value = "entitled", defaultValue = "{}") Map<String, Object> entitled,
            @Name(value = "contributor", defaultValue = "") String contributor,
            @Name(value = "owner", defaultValue = "") String owner,
            @Name(value = "prefix", defaultValue = "") String prefix) {
        if (k < 1 || k > 10_000) throw new IllegalArgumentException("k must be from 1 to 10000, got " + k);
        if (maxHops < 1 || maxHops > 64)
            throw new IllegalArgumentException("maxHops must be from 1 to 64, got " + maxHops);
        if (source == null || target == null || source.equals(target)) return Stream.empty();
        Store opened = store(types, weight, day,
                new Seeing(hidden, key, entitled == null ? Set.of() : entitled.keySet(), contributor, owner, prefix));
        if (opened == null) return Stream.empty(); // no such ties in the store
        try (Store store = opened) {
            @SuppressWarnings("deprecation")
            long from = source.getId(), to = target.getId();
            Search search = new Search(store, (int) k, (int) maxHops);
            search.run(from, to);
            return search.ranked(tx, key).stream();
        }
    }

    /** A row of {@code rsn.warmUp}'s answer: the nodes it read, the hubs and ties now in the
     * hub cache, and those in the cache of the callers who may not see every confidential
     * relationship (0 without hidden types). (Neo4j maps a procedure's rows from public fields,
     * hence the shape Found has too.) */
    public static final class Warmed {
        public long nodes;
        public long hubs;
        public long ties;
        public long seenHubs;
        public long seenTies;

        Warmed(long nodes, long hubs, long ties, long seenHubs, long seenTies) {
            this.nodes = nodes;
            this.hubs = hubs;
            this.ties = ties;
            this.seenHubs = seenHubs;
            this.seenTies = seenTies;
        }
    }

    @Procedure(name = "rsn.warmUp", mode = Mode.READ)
    @Description("rsn.warmUp(types, weight, day = '', hidden = [], key = '', owner = '', prefix = ''):"
            + " reads every node, its properties and its relationships of the given types with their"
            + " weight once, so that the pages a question reads are in the page cache, and keeps the"
            + " sorted ties of the nodes with the most of them in its hub cache (as of the day, when"
            + " given), biggest first, as far as it holds (not for a caller who may not use it);"
            + " with hidden types, also in the cache of the callers of rsn.kBestPaths who may not"
            + " see every relationship of those types (with the same key, owner and prefix)."
            + " Returns how many nodes it read, how many hubs and ties are cached, and how many"
            + " in the second cache (seenHubs, seenTies).")
    public Stream<Warmed> warmUp(
            @Name("types") List<String> types,
            @Name("weight") String weight,
            @Name(value = "day", defaultValue = "") String day,
            @Name(value = "hidden", defaultValue = "[]") List<String> hidden,
            @Name(value = "key", defaultValue = "") String key,
            @Name(value = "owner", defaultValue = "") String owner,
            @Name(value = "prefix", defaultValue = "") String prefix) {
        Store opened = store(types, weight, day, new Seeing(List.of(), key, Set.of(), "", owner, prefix));
        if (opened == null) return Stream.of(new Warmed(0, 0, 0, 0, 0));
        KernelTransaction ktx = opened.ktx;
        Store restricted = store(types, weight, day, new Seeing(hidden, key, Set.of(), "", owner, prefix));
        if (restricted != null && (restricted.sight == null || restricted.cache == null)) {
            restricted.close(); // no hidden type among those searched, or no cache to fill
            restricted = null;
        }
        try (Store store = opened;
                Store seen = restricted;
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
            long cachedHubs = 0, cachedTies = 0, seenHubs = 0, seenTies = 0;
            for (long[] hub : hubs) {
                int held = HubCache.room() < hub[1] ? 0 : store.warm(hub[0]);
                if (held == 0) {
                    store.scan(hub[0]);
                } else {
                    cachedHubs++;
                    cachedTies += held;
                }
                held = seen == null || HubCache.room() < hub[1] ? 0 : seen.warm(hub[0]);
                if (held > 0) {
                    seenHubs++;
                    seenTies += held;
                }
            }
            return Stream.of(new Warmed(nodes, cachedHubs, cachedTies, seenHubs, seenTies));
        }
    }

    /** What the caller of a procedure may see of the confidential relationships, as its
     * arguments say (see {@link Sight#of}). */
    record Seeing(List<String> hidden, String key, Collection<String> entitled, String contributor, String owner,
            String prefix) {}

    /**
     * The cursors of a call over the ties of {@code types} weighted by {@code weight}, as of
     * {@code day} (null: the whole history), as {@code seeing} says the caller may see them, with
     * the hub cache if this caller may use it; null when the store has no such type or property.
     * The cache is shared by every caller who sees what this one sees of the confidential
     * relationships (everything, or some); only those who see every node and tie use it (all
     * users do, on Community; Enterprise can hide some from some), and only calls whose own
     * transaction has no changes, which they must see.
     */
    private Store store(List<String> types, String weight, String day, Seeing seeing) {
        Day on = Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        int weightKey = tokens.propertyKey(weight);
        int[] typeIds = types.stream().mapToInt(tokens::relationshipType).filter(id -> id >= 0).toArray();
        if (weightKey < 0 || typeIds.length == 0) return null;
        Sight sight = Sight.of(tokens, typeIds, seeing.hidden(), Objects.requireNonNullElse(seeing.key(), ""),
                seeing.entitled(), seeing.contributor(), seeing.owner(), seeing.prefix());
        int[] dates = on == null
                ? new int[] {-1, -1, -1, -1}
                : new int[] {
                    tokens.propertyKey("since"),
                    tokens.propertyKey("until"),
                    tokens.propertyKey("founded"),
                    tokens.propertyKey("ended")
                };
        HubCache cache = null;
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
        if (sight != null) seesAll = seesAll && sight.readsEvery(mode, tokens);
        if (seesAll && !((TxStateHolder) ktx).hasTxStateWithChanges()) {
            GraphDatabaseAPI database = (GraphDatabaseAPI) db;
            String way = sight == null ? null : sight.cacheKey(seeing.owner());
            TransactionIdStore closed = database.getDependencyResolver().resolveDependency(TransactionIdStore.class);
            cache = HubCache.of(database.databaseId().toString(), typeIds, weightKey, day, way, closed);
        }
        RelationshipSelection selection = RelationshipSelection.selection(typeIds, Direction.BOTH);
        return new Store(ktx, tokens, selection, weightKey, on, dates, cache, sight);
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
        /** The cache's clock when the call began: an entry is kept only if nothing touched its
         * hub since then, as the neighbours' days ({@link #exists}) may have been read before
         * the hub's ties were. */
        final long started;

        /** What the caller sees of the confidential relationships (null: all of them). */
        final Sight sight;
        final TokenRead tokens;
        /** The weight, dates and assertions of a confidential relationship, as a call reads them. */
        final PropertySelection confidential;
        /** The key of each node read so far ("" without one); cursors of their own, as a node's
         * key is read while another's ties are. */
        final NodeMap<String> keys = new NodeMap<>();
        final NodeCursor keyNode;
        final PropertyCursor keyProperties;
        final PropertySelection key;
        /** The names of the property keys read so far, and the contributors of the relationships
         * read last ({@link #assertions}). */
        final Map<Integer, String> names = new HashMap<>();
        final List<String> asserting = new ArrayList<>();
        /** Whether the caller's contributor asserted the relationship read last ({@link #seenWeight}). */
        boolean asserted;

        Store(KernelTransaction ktx, TokenRead tokens, RelationshipSelection selection, int weightKey, Day day,
                int[] dates, HubCache cache, Sight sight) {
            this.ktx = ktx;
            this.tokens = tokens;
            this.cache = cache;
            this.started = cache == null ? 0 : cache.clock();
            this.sight = sight;
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
            this.keyNode = cursors.allocateNodeCursor(context, memory);
            this.keyProperties = cursors.allocatePropertyCursor(context, memory);
            this.key = sight == null ? PropertySelection.NO_PROPERTIES : PropertySelection.selection(present(sight.keyKey));
            this.confidential = sight == null
                    ? PropertySelection.NO_PROPERTIES
                    : PropertySelection.selection(
                            present(weightKey, sinceKey, untilKey, sight.ownerKey, sight.assertedKey));
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

        /** The node's ties as the caller sees them, from the hub cache when they are there and
         * still hold. */
        Ties ties(long node) {
            if (sight != null) return seenTies(node);
            if (cache == null) return scan(node);
            long before = cache.clock();
            if (cache.get(node, before) instanceof Ties ties) return ties;
            Ties ties = scan(node);
            if (ties.total >= HubCache.MIN_TIES) {
                ties.complete(); // every neighbour checked now, with this call's cursors
                cache.put(node, ties, started, cache.clock());
            }
            return ties;
        }

        /** {@link #ties} for a caller who may not see every confidential relationship: a hub's
         * from its entry in the hub cache (made now if it is not there), any other node's read
         * now. */
        private Ties seenTies(long node) {
            if (cache == null) return seenScan(node);
            long before = cache.clock();
            if (cache.get(node, before) instanceof Shown shown) return seen(shown);
            read.singleNode(node, nodes);
            if (!nodes.next() || nodes.degreeWithMax(HubCache.MIN_TIES, selection) < HubCache.MIN_TIES) {
                return seenScan(node);
            }
            Shown shown = shownScan(node);
            if (shown.held() >= HubCache.MIN_TIES) {
                cache.put(node, shown, started, cache.clock());
            }
            return seen(shown);
        }

        /** Reads the node's ties as {@link #ties} does, which keeps them in the hub cache (this
         * store must have one) if they belong there; how many it holds for the node, 0 if none. */
        int warm(long node) {
            if (sight == null) {
                Ties ties = ties(node);
                return cache.holds(node, ties) ? ties.total : 0;
            }
            long before = cache.clock();
            HubCache.Entry entry = cache.get(node, before);
            if (entry == null) {
                entry = shownScan(node);
                if (entry.held() >= HubCache.MIN_TIES) {
                    cache.put(node, entry, started, cache.clock());
                }
            }
            return cache.holds(node, entry) ? entry.held() : 0;
        }

        /** The ties of a hub's entry that the caller sees: the open ones alone when it sees none
         * of the confidential ones, else both, merged as the search asks for them. */
        Ties seen(Shown shown) {
            if (shown.ids.length == 0) return shown.open;
            boolean all = sight.entitled(shown.key);
            boolean[] mine = new boolean[shown.contributors.length];
            boolean any = all || !sight.entitled.isEmpty();
            for (int i = 0; i < mine.length; i++) {
                mine[i] = sight.asserted(shown.contributors[i]);
                any |= mine[i];
            }
            return any ? new Seen(shown, sight, all, mine) : shown.open;
        }

        /** The key of {@code node} ("" if it has none), read once per call. */
        String keyOf(long node) {
            String known = keys.get(node);
            if (known != null) return known;
            String found = "";
            read.singleNode(node, keyNode);
            if (keyNode.next()) {
                keyNode.properties(keyProperties, key);
                while (keyProperties.next()) {
                    if (keyProperties.propertyValue() instanceof TextValue text) found = text.stringValue();
                }
            }
            keys.put(node, found);
            return found;
        }

        /** {@link #scan} for a caller who may not see every confidential relationship: without
         * those it may not see. */
        Ties seenScan(long node) {
            Ties ties = new Ties(day == null ? null : this);
            read.singleNode(node, nodes);
            if (!nodes.next()) return ties;
            String own = null;
            nodes.relationships(relationships, selection);
            while (relationships.next()) {
                long other = relationships.otherNodeReference();
                if (other == node) continue;
                double strength;
                if (sight.hides(relationships.type())) {
                    relationships.properties(properties, confidential);
                    strength = seenWeight();
                    if (strength > 0.0 && !asserted) { // seen only through an entitled end
                        if (own == null) own = keyOf(node);
                        if (!sight.entitled(own) && !sight.entitled(keyOf(other))) continue;
                    }
                } else {
                    relationships.properties(properties, weight);
                    strength = day == null ? weightOnly() : weightHolding();
                }
                if (strength > 0.0) ties.add(other, strength);
            }
            ties.heapify();
            return ties;
        }

        /** The weight of the confidential relationship whose properties are selected
         * ({@link #confidential}) if it holds on the day (if any), else (or without one) 0; sets
         * {@link #asserted}. */
        private double seenWeight() {
            double strength = 0.0;
            boolean holds = true;
            asserted = false;
            while (properties.next()) {
                int key = properties.propertyKey();
                if (key == weightKey) {
                    if (properties.propertyValue() instanceof NumberValue number) strength = number.doubleValue();
                } else if (key == sight.assertedKey) {
                    asserted = true;
                } else if (key == sight.ownerKey) {
                    if (properties.propertyValue() instanceof TextValue owner
                            && owner.stringValue().equals(sight.contributor)) asserted = true;
                } else if (day != null && key == sinceKey && properties.propertyValue() instanceof TextValue since) {
                    if (since.stringValue().compareTo(day.text()) > 0) holds = false;
                } else if (day != null && key == untilKey && properties.propertyValue() instanceof TextValue until) {
                    if (until.stringValue().compareTo(day.text()) <= 0) holds = false;
                }
            }
            return holds ? strength : 0.0;
        }

        /** A hub's entry for the callers who may not see every confidential relationship: its
         * open ties complete, its confidential relationships (holding on the day, to nodes
         * existing then) apart, strongest first, with their other end's key and contributors. */
        Shown shownScan(long node) {
            Ties open = new Ties(day == null ? null : this);
            int n = 0;
            long[] ids = new long[16];
            double[] strengths = new double[16];
            String[] ends = new String[16];
            int[] by = new int[16];
            Map<List<String>, Integer> sets = new HashMap<>();
            List<String[]> contributors = new ArrayList<>();
            String own = null;
            read.singleNode(node, nodes);
            if (nodes.next()) {
                own = keyOf(node);
                nodes.relationships(relationships, selection);
                while (relationships.next()) {
                    long other = relationships.otherNodeReference();
                    if (other == node) continue;
                    if (!sight.hides(relationships.type())) {
                        relationships.properties(properties, weight);
                        double strength = day == null ? weightOnly() : weightHolding();
                        if (strength > 0.0) open.add(other, strength);
                        continue;
                    }
                    relationships.properties(properties, PropertySelection.ALL_PROPERTIES);
                    double strength = assertions();
                    if (strength <= 0.0 || !exists(other)) continue;
                    List<String> names = List.copyOf(asserting);
                    Integer set = sets.get(names);
                    if (set == null) {
                        set = contributors.size();
                        sets.put(names, set);
                        contributors.add(names.toArray(new String[0]));
                    }
                    if (n == ids.length) {
                        ids = Arrays.copyOf(ids, 2 * n);
                        strengths = Arrays.copyOf(strengths, 2 * n);
                        ends = Arrays.copyOf(ends, 2 * n);
                        by = Arrays.copyOf(by, 2 * n);
                    }
                    ids[n] = other;
                    strengths[n] = strength;
                    ends[n] = keyOf(other);
                    by[n++] = set;
                }
            }
            open.heapify();
            open.complete(); // every neighbour checked now, with this call's cursors
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            double[] weights = strengths;
            Arrays.sort(order, (x, y) -> Double.compare(weights[y], weights[x]));
            long[] sortedIds = new long[n];
            double[] sortedStrengths = new double[n];
            String[] sortedEnds = new String[n];
            int[] sortedBy = new int[n];
            for (int i = 0; i < n; i++) {
                int j = order[i];
                sortedIds[i] = ids[j];
                sortedStrengths[i] = strengths[j];
                sortedEnds[i] = ends[j];
                sortedBy[i] = by[j];
            }
            return new Shown(own, open, sortedIds, sortedStrengths, sortedEnds, sortedBy,
                    contributors.toArray(new String[0][]));
        }

        /** The weight of the relationship whose every property is selected if it holds on the day
         * (if any), else (or without one) 0; leaves in {@link #asserting} the contributors that
         * asserted it (its owner, and those with an assertion property), sorted. */
        private double assertions() {
            double strength = 0.0;
            boolean holds = true;
            asserting.clear();
            while (properties.next()) {
                int key = properties.propertyKey();
                if (key == weightKey) {
                    if (properties.propertyValue() instanceof NumberValue number) strength = number.doubleValue();
                } else if (key == sight.ownerKey) {
                    if (properties.propertyValue() instanceof TextValue owner) asserting.add(owner.stringValue());
                } else if (day != null && key == sinceKey) {
                    if (properties.propertyValue() instanceof TextValue since
                            && since.stringValue().compareTo(day.text()) > 0) holds = false;
                } else if (day != null && key == untilKey) {
                    if (properties.propertyValue() instanceof TextValue until
                            && until.stringValue().compareTo(day.text()) <= 0) holds = false;
                } else if (sight.prefix != null) {
                    String name = nameOf(key);
                    if (name != null && name.startsWith(sight.prefix)) asserting.add(name.substring(sight.prefix.length()));
                }
            }
            if (asserting.size() > 1) {
                asserting.sort(null);
                for (int i = asserting.size() - 1; i > 0; i--) {
                    if (asserting.get(i).equals(asserting.get(i - 1))) asserting.remove(i);
                }
            }
            return holds ? strength : 0.0;
        }

        /** The name of property key {@code key}, or null if there is none. */
        private String nameOf(int key) {
            String name = names.computeIfAbsent(key, id -> {
                try {
                    return tokens.propertyKeyName(id);
                } catch (PropertyKeyIdNotFoundKernelException missing) {
                    return "";
                }
            });
            return name.isEmpty() ? null : name;
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
            keyProperties.close();
            keyNode.close();
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
    static class Ties implements HubCache.Entry {
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

        @Override
        public int held() {
            return total;
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
                append(id, strength);
            }
            return i < size;
        }

        /** Hand out the tie to {@code id} next. */
        final void append(long id, double strength) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, Math.max(4, size * 2));
                strengths = Arrays.copyOf(strengths, Math.max(4, size * 2));
            }
            ids[size] = id;
            strengths[size++] = strength;
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

    /**
     * A hub's ties as one caller sees them: the open ties of its entry ({@link Shown}) merged with
     * the confidential ones the caller sees, strongest first, as far as {@link #has} is asked;
     * one per neighbour, at its strongest. Made for one call, and never kept.
     */
    static final class Seen extends Ties {
        final Shown shown;
        final Sight sight;
        /** Whether the caller sees every confidential tie of the hub (it is entitled to it), and
         * which of the entry's lists of contributors hold the caller's. */
        final boolean all;
        final boolean[] mine;
        int openAt, confidentialAt;

        Seen(Shown shown, Sight sight, boolean all, boolean[] mine) {
            super(null);
            this.shown = shown;
            this.sight = sight;
            this.all = all;
            this.mine = mine;
            heapIds = null;
            heapStrengths = null;
            total = shown.held();
        }

        /** Whether the caller sees the entry's i-th confidential tie. */
        private boolean sees(int i) {
            return all || mine[shown.by[i]] || sight.entitled(shown.keys[i]);
        }

        @Override
        boolean has(int i) {
            Ties open = shown.open;
            int confidential = shown.ids.length;
            while (size <= i) {
                while (confidentialAt < confidential && !sees(confidentialAt)) confidentialAt++;
                boolean fromOpen = openAt < open.size;
                boolean fromConfidential = confidentialAt < confidential;
                if (!fromOpen && !fromConfidential) break;
                long id;
                double strength;
                if (fromOpen && (!fromConfidential || open.strengths[openAt] >= shown.strengths[confidentialAt])) {
                    id = open.ids[openAt];
                    strength = open.strengths[openAt++];
                } else {
                    id = shown.ids[confidentialAt];
                    strength = shown.strengths[confidentialAt++];
                }
                if (rank.add(id) != size) continue; // a weaker tie to the same neighbour
                append(id, strength);
            }
            return i < size;
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
