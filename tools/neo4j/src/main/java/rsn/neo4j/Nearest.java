package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code rsn.scopeNearest}: on the actor graph of a scope (see {@link ActorGraph}), the nearest
 * of some sources (in ties) to each of some actors, the nearest place first, as rsn's weakness
 * report finds a centre with room for an unsupported enterprise or a centre over capacity
 * ({@code nearest} and {@code nearest_place_first} in {@code graph/algorithms/reach.py}).
 *
 * <p>A search of the whole graph first. Then, given the regional block of each prefecture, an
 * actor whose nearest source is of another prefecture (a source of no prefecture is of every
 * one) is searched for again through its prefecture's actors and those of no prefecture, from
 * the sources of its prefecture and those of none; then likewise by regional block. What a
 * search by place finds replaces what was found before. Each search goes layer by layer from
 * all its sources at once, each state (an actor, and the place it was reached for) keeping the
 * least (source, state before it) offered to it, and stops once it has reached every actor
 * wanted of a place there, as rsn's own search does, so the answers and paths are the same.
 */
public final class Nearest {
    /** The transaction of the call: the caller's view of the graph. */
    @Context
    public Transaction tx;

    /** The database, whose changes tell whether a kept actor graph still holds. */
    @Context
    public GraphDatabaseService db;

    /** The row of the procedure's answer. */
    public static final class Found {
        /** How many actors the graph has, and how many ties. */
        public long nodes;
        public long edges;
        /** For each actor asked about, in the order asked: the ties to its source, the source,
         * and the path from it to the source (nulls when no source is reached); all null when
         * a source is no actor of the graph. */
        public List<Long> distances;
        public List<String> origins;
        public List<List<String>> paths;

        Found(long nodes, long edges, List<Long> distances, List<String> origins, List<List<String>> paths) {
            this.nodes = nodes;
            this.edges = edges;
            this.distances = distances;
            this.origins = origins;
            this.paths = paths;
        }
    }

    @Procedure(name = "rsn.scopeNearest", mode = Mode.READ)
    @Description("rsn.scopeNearest(labels, types, prefecture, sources, wanted, blocks, day = ''):"
            + " the actor graph of a prefecture (null: the whole network) as of the day, and for"
            + " each wanted actor the nearest source and the path to it, the nearest place first"
            + " (its prefecture, then its block, from the map of each prefecture's block; none"
            + " for an empty map), as rsn's weakness report finds it.")
    public Stream<Found> scopeNearest(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name("sources") List<String> sources,
            @Name("wanted") List<String> wanted,
            @Name("blocks") Map<String, Object> blocks,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        boolean levels = blocks != null && !blocks.isEmpty();
        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, false, levels);
        int[] chosen = new int[sources.size()];
        for (int k = 0; k < chosen.length; k++) {
            chosen[k] = graph.indexOf(sources.get(k));
            if (chosen[k] < 0) return Stream.of(new Found(graph.nodes(), graph.edges(), null, null, null));
        }
        List<Integer> todo = new ArrayList<>();
        for (String id : wanted) {
            int v = graph.indexOf(id);
            if (v >= 0) todo.add(v);
        }
        Map<Integer, Hit> answers = placeFirst(graph, todo, chosen, levels ? levelsOf(graph, blocks) : List.of(), ktx);
        List<Long> distances = new ArrayList<>(wanted.size());
        List<String> origins = new ArrayList<>(wanted.size());
        List<List<String>> paths = new ArrayList<>(wanted.size());
        for (String id : wanted) {
            Hit hit = answers.get(graph.indexOf(id));
            distances.add(hit == null ? null : (long) hit.distance);
            origins.add(hit == null ? null : graph.ids[hit.origin]);
            paths.add(hit == null ? null : hit.path(graph));
        }
        return Stream.of(new Found(graph.nodes(), graph.edges(), distances, origins, paths));
    }

    /** One way of telling actors' places apart: each actor's place (-1: none), numbered from 1
     * in the order of the places' names (0 is reserved for a state of no place). */
    record Level(int[] placeOf, int places) {}

    /** The levels of a search of the whole network: each actor's prefecture (a code the map
     * of blocks knows), then its regional block. */
    static List<Level> levelsOf(ActorGraph graph, Map<String, Object> blocks) {
        int n = graph.nodes();
        String[] prefecture = new String[n];
        String[] block = new String[n];
        for (int v = 0; v < n; v++) {
            String code = graph.prefectures[v];
            if (code != null && blocks.get(code) instanceof String name) {
                prefecture[v] = code;
                block[v] = name;
            }
        }
        return List.of(level(prefecture), level(block));
    }

    private static Level level(String[] names) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String name : names) if (name != null) sorted.add(name);
        Map<String, Integer> number = new HashMap<>();
        for (String name : sorted) number.put(name, number.size() + 1);
        int[] placeOf = new int[names.length];
        for (int v = 0; v < names.length; v++) placeOf[v] = names[v] == null ? -1 : number.get(names[v]);
        return new Level(placeOf, sorted.size());
    }

    /** What a search found for a wanted actor: the ties to its source, the source, and the
     * search (with the state it started from), for the path. */
    static final class Hit {
        final int distance;
        final int origin;
        final Search search;
        final long state;

        Hit(int distance, int origin, Search search, long state) {
            this.distance = distance;
            this.origin = origin;
            this.search = search;
            this.state = state;
        }

        /** The actors from the wanted one to its source. */
        List<String> path(ActorGraph graph) {
            List<String> path = new ArrayList<>();
            long at = state;
            while (at >= 0) {
                path.add(graph.ids[search.node(at)]);
                at = search.via(at);
            }
            return path;
        }
    }

    /** {@code nearest_place_first}: for each actor of {@code wanted}, what a search from
     * {@code sources} finds for it, the nearest place first. */
    static Map<Integer, Hit> placeFirst(ActorGraph graph, List<Integer> wanted, int[] sources, List<Level> levels,
            KernelTransaction ktx) {
        Search everywhere = new Search(graph, null, null);
        everywhere.run(sources, wanted, ktx);
        Map<Integer, Hit> answers = new HashMap<>();
        List<Integer> answered = new ArrayList<>();
        for (int v : wanted) {
            Hit hit = everywhere.hit(v);
            if (hit != null && !answers.containsKey(v)) answered.add(v);
            if (hit != null) answers.put(v, hit);
        }
        if (levels.isEmpty()) return answers;
        List<Integer> todo = new ArrayList<>();
        int[] first = levels.get(0).placeOf();
        for (int v : answered) if (first[v] >= 0) todo.add(v);
        for (Level level : levels) {
            int[] placeOf = level.placeOf();
            List<Integer> kept = new ArrayList<>();
            boolean[] searched = new boolean[level.places() + 1];
            boolean any = false;
            for (int v : todo) {
                int theirs = placeOf[answers.get(v).origin];
                if (theirs >= 0 && theirs != placeOf[v]) { // reached from a source of another place
                    kept.add(v);
                    searched[placeOf[v]] = true;
                    any = true;
                }
            }
            todo = kept;
            if (!any) break;
            List<Integer> from = new ArrayList<>();
            for (int s : sources) if (placeOf[s] < 0 || searched[placeOf[s]]) from.add(s);
            Search search = new Search(graph, placeOf, searched);
            search.run(from.stream().mapToInt(Integer::intValue).toArray(), todo, ktx);
            List<Integer> rest = new ArrayList<>();
            for (int v : todo) {
                Hit hit = search.hit(v);
                if (hit == null) rest.add(v);
                else answers.put(v, hit);
            }
            todo = rest;
        }
        return answers;
    }

    /**
     * One search ({@code nearest}): of the whole graph ({@code placeOf} null), its states the
     * actors; or by place, its states (actor, place reached for), place 0 for a state of no
     * place. A state is a long: actor * (places + 1) + place, so states compare as (actor,
     * place name) do. The states reached are numbered in the order reached
     * ({@link NodeIndex}), with what the search found for each in arrays by number.
     */
    static final class Search {
        final ActorGraph graph;
        final int[] placeOf;
        final boolean[] searched;
        final int width;
        private final NodeIndex reached = new NodeIndex();
        private int[] distance = new int[16];
        private int[] origin = new int[16];
        private long[] via = new long[16]; // the state before (-1 for a source)

        Search(ActorGraph graph, int[] placeOf, boolean[] searched) {
            this.graph = graph;
            this.placeOf = placeOf;
            this.searched = searched;
            this.width = searched == null ? 1 : searched.length;
        }

        int node(long state) {
            return (int) (state / width);
        }

        int place(long state) {
            return (int) (state % width);
        }

        long state(int node, int place) {
            return (long) node * width + place;
        }

        /** The state a search from {@code node} starts at. */
        long start(int node) {
            return placeOf == null || placeOf[node] < 0 ? state(node, 0) : state(node, placeOf[node]);
        }

        /** Whether the search reached {@code state}. */
        boolean has(long state) {
            return reached.indexOf(state) >= 0;
        }

        /** The state before {@code state} on its way to its source; -1 for a source. */
        long via(long state) {
            return via[reached.indexOf(state)];
        }

        /** Records what was found for a state not reached before. */
        private void put(long state, int steps, int from, long before) {
            int number = reached.add(state);
            if (number == distance.length) {
                distance = Arrays.copyOf(distance, number * 2);
                origin = Arrays.copyOf(origin, number * 2);
                via = Arrays.copyOf(via, number * 2);
            }
            distance[number] = steps;
            origin[number] = from;
            via[number] = before;
        }

        /** What the search found for {@code node}, or null. */
        Hit hit(int node) {
            long at = start(node);
            int number = reached.indexOf(at);
            return number < 0 ? null : new Hit(distance[number], origin[number], this, at);
        }

        /** Calls {@code into} with each state one tie away from {@code at}. */
        private void steps(long at, java.util.function.LongConsumer into) {
            int node = node(at);
            int place = place(at);
            int[] start = graph.start;
            int[] around = graph.around;
            boolean ofAPlace = placeOf != null && (placeOf[node] >= 0 || place != 0);
            for (int e = start[node]; e < start[node + 1]; e++) {
                int other = around[e];
                if (placeOf == null) {
                    into.accept(state(other, 0));
                    continue;
                }
                int theirs = placeOf[other];
                if (ofAPlace) { // a state of a place: its nodes and those of none
                    if (theirs < 0 || theirs == place) into.accept(state(other, place));
                } else if (theirs < 0) { // from no place to no place
                    into.accept(state(other, 0));
                } else if (searched[theirs]) { // from no place into a place searched
                    into.accept(state(other, theirs));
                }
            }
        }

        /** Searches from {@code sources}, until every one of {@code wanted} is reached for its
         * place (or all that can be are). */
        void run(int[] sources, List<Integer> wanted, KernelTransaction ktx) {
            long[] frontier = new long[Math.max(16, sources.length)];
            int size = 0;
            for (int s : sources) {
                long at = start(s);
                if (has(at)) continue; // a source given twice
                put(at, 0, s, -1L);
                frontier[size++] = at;
            }
            NodeIndex pending = new NodeIndex();
            int[] left = new int[width];
            for (int v : wanted) {
                long at = start(v);
                if (has(at) || pending.indexOf(at) >= 0) continue;
                pending.add(at);
                left[place(at)]++;
            }
            boolean[] done = new boolean[pending.size()]; // by pending number: reached since
            size = live(frontier, size, left);
            int steps = 0;
            while (size > 0) {
                if (ktx != null) ktx.assertOpen();
                steps++;
                // the offers of this layer, numbered in the order first made
                NodeIndex offered = new NodeIndex();
                long[][] offers = {new long[16], new long[16], new long[16]}; // state, from, before
                for (int k = 0; k < size; k++) {
                    long at = frontier[k];
                    int from = origin[reached.indexOf(at)];
                    steps(at, other -> {
                        if (has(other)) return;
                        int number = offered.add(other);
                        if (number == offers[0].length) {
                            for (int i = 0; i < 3; i++) offers[i] = Arrays.copyOf(offers[i], number * 2);
                        }
                        if (offers[0][number] == 0) { // the first offer (a state plus 1: never 0)
                            offers[0][number] = other + 1;
                            offers[1][number] = from;
                            offers[2][number] = at;
                        } else if (from < offers[1][number]
                                || (from == offers[1][number] && at < offers[2][number])) {
                            offers[1][number] = from;
                            offers[2][number] = at;
                        }
                    });
                }
                int found = offered.size();
                if (frontier.length < found) frontier = new long[found];
                for (int number = 0; number < found; number++) {
                    long other = offers[0][number] - 1;
                    put(other, steps, (int) offers[1][number], offers[2][number]);
                    int wantedNumber = pending.indexOf(other);
                    if (wantedNumber >= 0 && !done[wantedNumber]) {
                        done[wantedNumber] = true;
                        left[place(other)]--;
                    }
                    frontier[number] = other;
                }
                size = live(frontier, found, left);
            }
        }

        /** Keeps, at the front of {@code states}, those to go on from: of no place, or of a
         * place with actors still wanted; how many. */
        private int live(long[] states, int size, int[] left) {
            int kept = 0;
            for (int k = 0; k < size; k++) {
                int place = place(states[k]);
                if ((placeOf != null && place == 0) || left[place] > 0) states[kept++] = states[k];
            }
            return kept;
        }
    }
}
