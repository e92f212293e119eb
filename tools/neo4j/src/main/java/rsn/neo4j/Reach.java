package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * {@code rsn.scopeReach}: on the actor graph of a scope (see {@link ActorGraph}), the best path
 * from each of some actors to any of the sources within a number of ties, as rsn's weakness
 * report finds it for its unfinanced enterprises ({@code best_reach} in
 * {@code graph/algorithms/reach.py}): a path's score is the product of its ties' strengths;
 * ties go to fewer hops, then the smaller source id. The same layered search from all sources
 * at once, each layer extending what its states held when it began, with the same float
 * products, so the scores are the same floats.
 */
public final class Reach {
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
        /** For each actor asked about, in the order asked: the score, hops and source of its
         * best path (nulls when no source is within reach, or it is no actor of the graph);
         * all null when a source is no actor of the graph. */
        public List<Double> scores;
        public List<Long> hops;
        public List<String> origins;

        Found(long nodes, long edges, List<Double> scores, List<Long> hops, List<String> origins) {
            this.nodes = nodes;
            this.edges = edges;
            this.scores = scores;
            this.hops = hops;
            this.origins = origins;
        }
    }

    @Procedure(name = "rsn.scopeReach", mode = Mode.READ)
    @Description("rsn.scopeReach(labels, types, prefecture, sources, maxHops, wanted, day = ''):"
            + " the actor graph of a prefecture (null: the whole network) as of the day, and for"
            + " each wanted actor the best-scoring path to a source within maxHops ties (score,"
            + " hops, source), as rsn's weakness report finds it.")
    public Stream<Found> scopeReach(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name("sources") List<String> sources,
            @Name("maxHops") long maxHops,
            @Name("wanted") List<String> wanted,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, true, false);
        int n = graph.nodes();
        int[] chosen = new int[sources.size()];
        for (int k = 0; k < chosen.length; k++) {
            chosen[k] = graph.indexOf(sources.get(k));
            if (chosen[k] < 0) return Stream.of(new Found(n, graph.edges(), null, null, null));
        }
        double[] score = new double[n];
        int[] hops = new int[n];
        int[] origin = new int[n];
        search(graph, chosen, (int) Math.min(maxHops, Integer.MAX_VALUE), score, hops, origin, ktx);
        List<Double> scores = new ArrayList<>(wanted.size());
        List<Long> steps = new ArrayList<>(wanted.size());
        List<String> origins = new ArrayList<>(wanted.size());
        for (String id : wanted) {
            int v = graph.indexOf(id);
            boolean reached = v >= 0 && origin[v] >= 0;
            scores.add(reached ? score[v] : null);
            steps.add(reached ? (long) hops[v] : null);
            origins.add(reached ? graph.ids[origin[v]] : null);
        }
        return Stream.of(new Found(n, graph.edges(), scores, steps, origins));
    }

    /**
     * Fills, for every node within {@code maxHops} ties of a source, its best path's score, hops
     * and source (a node's number; -1 where none is within reach). Node numbers are in id
     * order, so comparing them compares ids. Stops with the transaction's error when the
     * transaction is ended.
     */
    static void search(ActorGraph graph, int[] sources, int maxHops, double[] score, int[] hops,
            int[] origin, KernelTransaction ktx) {
        int n = graph.nodes();
        int[] start = graph.start;
        int[] around = graph.around;
        double[] strength = graph.strength;
        Arrays.fill(origin, -1);
        int[] frontier = new int[Math.max(16, sources.length)];
        int size = 0;
        for (int source : sources) {
            if (origin[source] < 0) frontier[size++] = source;
            score[source] = 1.0;
            hops[source] = 0;
            origin[source] = source;
        }
        boolean[] changed = new boolean[n];
        int[] next = new int[16];
        double[] heldScore = new double[16];
        int[] heldOrigin = new int[16];
        for (int hop = 1; hop <= maxHops && size > 0; hop++) {
            if (ktx != null) ktx.assertOpen();
            // what each state of the frontier held when the layer began
            if (heldScore.length < size) {
                heldScore = new double[size];
                heldOrigin = new int[size];
            }
            for (int k = 0; k < size; k++) {
                heldScore[k] = score[frontier[k]];
                heldOrigin[k] = origin[frontier[k]];
            }
            int found = 0;
            for (int k = 0; k < size; k++) {
                int node = frontier[k];
                double held = heldScore[k];
                int from = heldOrigin[k];
                for (int e = start[node]; e < start[node + 1]; e++) {
                    int other = around[e];
                    double value = held * strength[e];
                    int known = origin[other];
                    // better: a higher score, then fewer hops, then the smaller source id
                    if (known < 0 || value > score[other]
                            || (value == score[other]
                                    && (hop < hops[other] || (hop == hops[other] && from < known)))) {
                        score[other] = value;
                        hops[other] = hop;
                        origin[other] = from;
                        if (!changed[other]) {
                            changed[other] = true;
                            if (found == next.length) next = Arrays.copyOf(next, found * 2);
                            next[found++] = other;
                        }
                    }
                }
            }
            for (int k = 0; k < found; k++) changed[next[k]] = false;
            int[] swap = frontier;
            frontier = next;
            next = swap;
            size = found;
        }
    }
}
