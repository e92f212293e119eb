package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

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
        ActorGraph graph = ActorGraph.read(tx, labels, types, prefecture, on, false, levels);
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
                at = search.via.get(at);
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
     * place name) do.
     */
    static final class Search {
        final ActorGraph graph;
        final int[] placeOf;
        final boolean[] searched;
        final int width;
        final Map<Long, Integer> distance = new HashMap<>();
        final Map<Long, Integer> origin = new HashMap<>();
        final Map<Long, Long> via = new HashMap<>();

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

        /** What the search found for {@code node}, or null. */
        Hit hit(int node) {
            long at = start(node);
            Integer steps = distance.get(at);
            return steps == null ? null : new Hit(steps, origin.get(at), this, at);
        }

        /** The states one tie away from {@code at}. */
        void steps(long at, List<Long> into) {
            int node = node(at);
            int place = place(at);
            int[] start = graph.start;
            int[] around = graph.around;
            for (int e = start[node]; e < start[node + 1]; e++) {
                int other = around[e];
                if (placeOf == null) {
                    into.add(state(other, 0));
                    continue;
                }
                int theirs = placeOf[other];
                if (placeOf[node] >= 0 || place != 0) { // a state of a place: its nodes and those of none
                    if (theirs < 0 || theirs == place) into.add(state(other, place));
                } else if (theirs < 0) { // from no place to no place
                    into.add(state(other, 0));
                } else if (searched[theirs]) { // from no place into a place searched
                    into.add(state(other, theirs));
                }
            }
        }

        /** Searches from {@code sources}, until every one of {@code wanted} is reached for its
         * place (or all that can be are). */
        void run(int[] sources, List<Integer> wanted, KernelTransaction ktx) {
            List<Long> frontier = new ArrayList<>();
            for (int s : sources) {
                long at = start(s);
                if (distance.put(at, 0) == null) frontier.add(at);
                origin.put(at, s);
                via.put(at, -1L);
            }
            Set<Long> pending = new HashSet<>();
            int[] left = new int[width];
            for (int v : wanted) {
                long at = start(v);
                if (!distance.containsKey(at) && pending.add(at)) left[place(at)]++;
            }
            frontier = live(frontier, left);
            List<Long> around = new ArrayList<>();
            int steps = 0;
            while (!frontier.isEmpty()) {
                if (ktx != null) ktx.assertOpen();
                steps++;
                Map<Long, long[]> offers = new HashMap<>();
                List<Long> order = new ArrayList<>();
                for (long at : frontier) {
                    int from = origin.get(at);
                    around.clear();
                    steps(at, around);
                    for (long other : around) {
                        if (distance.containsKey(other)) continue;
                        long[] known = offers.get(other);
                        if (known == null) {
                            offers.put(other, new long[] {from, at});
                            order.add(other);
                        } else if (from < known[0] || (from == known[0] && at < known[1])) {
                            known[0] = from;
                            known[1] = at;
                        }
                    }
                }
                for (long other : order) {
                    long[] offer = offers.get(other);
                    distance.put(other, steps);
                    origin.put(other, (int) offer[0]);
                    via.put(other, offer[1]);
                    if (pending.remove(other)) left[place(other)]--;
                }
                frontier = live(order, left);
            }
        }

        /** The states to go on from: of no place, or of a place with actors still wanted. */
        private List<Long> live(List<Long> states, int[] left) {
            List<Long> kept = new ArrayList<>(states.size());
            for (long at : states) {
                int place = place(at);
                if ((placeOf != null && place == 0) || left[place] > 0) kept.add(at);
            }
            return kept;
        }
    }
}
