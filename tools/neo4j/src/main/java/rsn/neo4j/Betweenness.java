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
 * {@code rsn.scopeBetweenness}: the sums of Brandes' dependencies from given sources over the
 * actor graph of a scope, the graph rsn's weakness report works on ({@link ActorGraph}).
 *
 * <p>The answer is the sums, not betweenness itself: the caller scales them as it scales its
 * own. Nodes are numbered in the order of their ids and each node's neighbours visited in that
 * order, sources taken in the order given, and every float operation is that of rsn's own
 * Brandes pass ({@code graph/algorithms/centrality.py}) in its order, so the sums are the same
 * floats it would compute. Path counts are exact integers there; here they are longs, and a
 * count past a long's range gives no sums (null) rather than different ones.
 */
public final class Betweenness {
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
        /** Every actor's id, in id order, and the sum of its dependencies (null: a path count
         * past a long's range, or a source that is not an actor of the graph). */
        public List<String> ids;
        public List<Double> totals;

        Found(long nodes, long edges, List<String> ids, List<Double> totals) {
            this.nodes = nodes;
            this.edges = edges;
            this.ids = ids;
            this.totals = totals;
        }
    }

    @Procedure(name = "rsn.scopeBetweenness", mode = Mode.READ)
    @Description("rsn.scopeBetweenness(labels, types, prefecture, sources, day = ''): the actor"
            + " graph of a prefecture (null: the whole network) as of the day, and the sums of"
            + " Brandes' dependencies from the sources (null: every actor) in id order, as rsn's"
            + " weakness report computes them.")
    public Stream<Found> scopeBetweenness(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name("sources") List<String> sources,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();

        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, false, false);
        int n = graph.nodes();
        String[] ids = graph.ids;
        int[] start = graph.start;
        int[] around = graph.around;
        long edges = graph.edges();

        int[] chosen;
        if (sources == null) {
            chosen = new int[n];
            for (int i = 0; i < n; i++) chosen[i] = i;
        } else {
            chosen = new int[sources.size()];
            for (int k = 0; k < chosen.length; k++) {
                int number = sources.get(k) == null ? -1 : Arrays.binarySearch(ids, sources.get(k));
                if (number < 0) return Stream.of(new Found(n, edges, Arrays.asList(ids), null));
                chosen[k] = number;
            }
        }
        double[] totals;
        try {
            totals = sums(start, around, chosen, ktx);
        } catch (ArithmeticException tooMany) {
            return Stream.of(new Found(n, edges, Arrays.asList(ids), null));
        }
        List<Double> values = new ArrayList<>(n);
        for (double total : totals) values.add(total);
        return Stream.of(new Found(n, edges, Arrays.asList(ids), values));
    }

    /**
     * The sums of the dependencies of {@code sources} on every node of the graph whose node
     * {@code v} has the neighbours {@code around[start[v] .. start[v + 1])}: one pass of
     * Brandes' algorithm per source, in the order given, with rsn's float operations in their
     * order. Raises ArithmeticException for a path count past a long's range; stops with the
     * transaction's error when the transaction is ended (a timeout, a terminated query).
     */
    static double[] sums(int[] start, int[] around, int[] sources, KernelTransaction ktx) {
        int n = start.length - 1;
        double[] totals = new double[n];
        long[] sigma = new long[n];
        int far = n; // farther than any node can be
        int[] distance = new int[n];
        Arrays.fill(distance, far);
        // a node's predecessors are some of its neighbours: kept in a copy of its row
        int[] before = new int[around.length];
        int[] befores = new int[n];
        double[] delta = new double[n];
        int[] order = new int[n];
        int reached = 0;
        for (int source : sources) {
            if (ktx != null) ktx.assertOpen();
            for (int k = 0; k < reached; k++) {
                int v = order[k];
                distance[v] = far;
                sigma[v] = 0;
                befores[v] = 0;
                delta[v] = 0.0;
            }
            sigma[source] = 1;
            distance[source] = 0;
            order[0] = source;
            reached = 1;
            for (int head = 0; head < reached; head++) {
                int node = order[head];
                int step = distance[node] + 1;
                for (int k = start[node]; k < start[node + 1]; k++) {
                    int other = around[k];
                    if (distance[other] >= step) { // not reached yet, or reached in the next layer
                        if (distance[other] == far) {
                            distance[other] = step;
                            order[reached++] = other;
                            sigma[other] = sigma[node];
                            before[start[other]] = node;
                            befores[other] = 1;
                        } else {
                            sigma[other] = Math.addExact(sigma[other], sigma[node]);
                            before[start[other] + befores[other]++] = node;
                        }
                    }
                }
            }
            for (int k = reached - 1; k >= 1; k--) { // every node reached but the source
                int node = order[k];
                double share = (1.0 + delta[node]) / (double) sigma[node];
                for (int p = start[node]; p < start[node] + befores[node]; p++) {
                    int other = before[p];
                    delta[other] += (double) sigma[other] * share;
                }
                totals[node] += delta[node];
            }
        }
        return totals;
    }
}
