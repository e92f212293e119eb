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
 * {@code rsn.scopeCuts}: the connected parts, cut vertices and bridges of the actor graph of a
 * scope ({@link ActorGraph}), with what rsn's weakness report needs beside them: the parts each
 * cut vertex alone holds together, and how many actors each bridge cuts off. One depth-first
 * search, as {@code cut_vertices} in {@code graph/algorithms/cuts.py} makes it: the parts
 * are contiguous runs of the search's order.
 */
public final class Cuts {
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
        /** Every actor's id in the search's order, one connected part after another, and the
         * size of each part in that order. */
        public List<String> order;
        public List<Long> sizes;
        /** Each cut vertex's place in {@link #order}, and the subtrees it alone holds: pairs
         * (start, stop) of places in its connected part's own order (0 its first actor). */
        public List<Long> cuts;
        public List<List<Long>> ranges;
        /** Each bridge as three numbers: the places in {@link #order} of its two ends (the end
         * the search reached first, then the other) and the actors on its smaller side. */
        public List<Long> bridges;

        Found(long nodes, long edges, List<String> order, List<Long> sizes, List<Long> cuts,
                List<List<Long>> ranges, List<Long> bridges) {
            this.nodes = nodes;
            this.edges = edges;
            this.order = order;
            this.sizes = sizes;
            this.cuts = cuts;
            this.ranges = ranges;
            this.bridges = bridges;
        }
    }

    @Procedure(name = "rsn.scopeCuts", mode = Mode.READ)
    @Description("rsn.scopeCuts(labels, types, prefecture, day = ''): the actor graph of a"
            + " prefecture (null: the whole network) as of the day, and its connected parts, cut"
            + " vertices with the parts each holds together, and bridges with the actors each"
            + " cuts off, as rsn's weakness report finds them.")
    public Stream<Found> scopeCuts(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, false, false);
        return Stream.of(search(graph, ktx));
    }

    /**
     * The answer for {@code graph}: roots taken in id order, each node's neighbours in the
     * graph's order. A child subtree whose low point does not climb above a node is a part of
     * its own (a bridge too, if it does not reach the node itself); a root is a cut vertex
     * when it holds two parts or more. Stops with the transaction's error when the
     * transaction is ended.
     */
    static Found search(ActorGraph graph, KernelTransaction ktx) {
        int n = graph.nodes();
        int[] start = graph.start;
        int[] around = graph.around;
        int[] discovered = new int[n];
        Arrays.fill(discovered, -1);
        int[] low = new int[n];
        int[] size = new int[n];
        int[] parent = new int[n];
        int[] next = new int[n]; // the next of each node's neighbours to look at
        // the children each node alone holds, as a list linked through the children
        int[] splitFirst = new int[n];
        int[] splitNext = new int[n];
        int[] splits = new int[n];
        Arrays.fill(splitFirst, -1);
        int[] stack = new int[n];
        int[] order = new int[n];
        int placed = 0;

        List<Long> sizes = new ArrayList<>();
        List<Long> cuts = new ArrayList<>();
        List<List<Long>> ranges = new ArrayList<>();
        List<Long> bridges = new ArrayList<>();
        List<long[]> sides = new ArrayList<>(); // this part's bridges: (u, v, side)
        for (int root = 0; root < n; root++) {
            if (discovered[root] >= 0) continue;
            if (ktx != null) ktx.assertOpen();
            int base = placed;
            discovered[root] = low[root] = placed;
            order[placed++] = root;
            size[root] = 1;
            parent[root] = -1;
            next[root] = start[root];
            int depth = 0;
            stack[depth++] = root;
            sides.clear();
            while (depth > 0) {
                int node = stack[depth - 1];
                boolean deeper = false;
                while (next[node] < start[node + 1]) {
                    int other = around[next[node]++];
                    if (discovered[other] < 0) {
                        parent[other] = node;
                        discovered[other] = low[other] = placed;
                        size[other] = 1;
                        order[placed++] = other;
                        next[other] = start[other];
                        stack[depth++] = other;
                        deeper = true;
                        break;
                    }
                    if (other != parent[node] && discovered[other] < low[node]) low[node] = discovered[other];
                }
                if (deeper) continue;
                depth--;
                int up = parent[node];
                if (up >= 0) {
                    if (low[node] < low[up]) low[up] = low[node];
                    size[up] += size[node];
                    if (low[node] >= discovered[up]) {
                        splitNext[node] = splitFirst[up];
                        splitFirst[up] = node;
                        splits[up]++;
                    }
                    if (low[node] > discovered[up]) sides.add(new long[] {up, node, size[node]});
                }
                if (splits[node] >= (up < 0 ? 2 : 1)) {
                    cuts.add((long) discovered[node]);
                    ranges.add(rangesOf(node, splitFirst, splitNext, splits[node], discovered, size, base));
                }
            }
            int total = placed - base;
            sizes.add((long) total);
            for (long[] side : sides) {
                bridges.add((long) discovered[(int) side[0]]);
                bridges.add((long) discovered[(int) side[1]]);
                bridges.add(Math.min(side[2], total - side[2]));
            }
        }
        String[] ids = new String[n];
        for (int k = 0; k < n; k++) ids[k] = graph.ids[order[k]];
        return new Found(n, graph.edges(), Arrays.asList(ids), sizes, cuts, ranges, bridges);
    }

    /** The (start, stop) pairs of the subtrees {@code node} alone holds, in the order the
     * search finished them, as places in its part's order ({@code base} the part's first). */
    private static List<Long> rangesOf(int node, int[] splitFirst, int[] splitNext, int count,
            int[] discovered, int[] size, int base) {
        Long[] pairs = new Long[2 * count];
        int k = pairs.length;
        for (int child = splitFirst[node]; child >= 0; child = splitNext[child]) {
            pairs[--k] = (long) (discovered[child] - base + size[child]);
            pairs[--k] = (long) (discovered[child] - base);
        }
        return Arrays.asList(pairs);
    }
}
