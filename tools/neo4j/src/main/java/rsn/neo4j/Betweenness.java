package rsn.neo4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** How many threads sum the passes of a call at most (one pass per source at a time):
     * {@code -Drsn.betweenness.threads}, by default the processors the server has. */
    static final int THREADS = Math.max(1, Integer.getInteger("rsn.betweenness.threads",
            Runtime.getRuntime().availableProcessors()));

    /**
     * The sums of the dependencies of {@code sources} on every node of the graph whose node
     * {@code v} has the neighbours {@code around[start[v] .. start[v + 1])}: one pass of
     * Brandes' algorithm per source, with rsn's float operations in their order. Passes run
     * on up to {@link #THREADS} threads at once; each node's dependencies are added to its sum
     * in the order of the sources, as one thread adds them, so the sums are the same floats
     * however many threads ran. Raises ArithmeticException for a path count past a long's
     * range; stops with the transaction's error when the transaction is ended (a timeout, a
     * terminated query).
     */
    static double[] sums(int[] start, int[] around, int[] sources, KernelTransaction ktx) {
        return sums(start, around, sources, ktx, THREADS);
    }

    static double[] sums(int[] start, int[] around, int[] sources, KernelTransaction ktx, int threads) {
        int n = start.length - 1;
        double[] totals = new double[n];
        int workers = Math.min(threads, sources.length);
        if (workers <= 1) {
            Pass pass = new Pass(start, around);
            for (int source : sources) {
                if (ktx != null) ktx.assertOpen();
                pass.run(source).addTo(totals);
            }
            return totals;
        }
        ArrayBlockingQueue<Pass> passes = new ArrayBlockingQueue<>(workers);
        for (int k = 0; k < workers; k++) passes.add(new Pass(start, around));
        ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
            Thread thread = new Thread(task, "rsn-betweenness");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ArrayDeque<Future<Dependencies>> pending = new ArrayDeque<>();
            int next = 0;
            for (int k = 0; k < sources.length; k++) {
                // a few passes ahead of the sums, so that few are held at once
                for (; next < sources.length && next < k + 2 * workers; next++) {
                    int source = sources[next];
                    pending.add(pool.submit(() -> {
                        Pass pass = passes.take();
                        try {
                            return pass.run(source);
                        } finally {
                            passes.add(pass);
                        }
                    }));
                }
                finished(pending.poll(), ktx).addTo(totals);
            }
            return totals;
        } finally {
            pool.shutdownNow();
        }
    }

    /** What a pass computed, once it has; the transaction's error when it is ended meanwhile,
     * and what the pass raised. */
    private static Dependencies finished(Future<Dependencies> pass, KernelTransaction ktx) {
        while (true) {
            if (ktx != null) ktx.assertOpen();
            try {
                return pass.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // ask the transaction again
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while summing betweenness", interrupted);
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof RuntimeException raised) throw raised;
                throw new IllegalStateException(failed.getCause());
            }
        }
    }

    /** The dependencies of one source on the nodes it reaches (but itself), in the order
     * they are added. */
    record Dependencies(int[] nodes, double[] values) {
        void addTo(double[] totals) {
            for (int k = 0; k < nodes.length; k++) totals[nodes[k]] += values[k];
        }
    }

    /** One thread's arrays for Brandes' passes over one graph, one source at a time. */
    static final class Pass {
        private final int[] start;
        private final int[] around;
        private final long[] sigma;
        private final int far;
        private final int[] distance;
        // a node's predecessors are some of its neighbours: kept in a copy of its row
        private final int[] before;
        private final int[] befores;
        private final double[] delta;
        private final int[] order;
        private int reached = 0;

        Pass(int[] start, int[] around) {
            int n = start.length - 1;
            this.start = start;
            this.around = around;
            sigma = new long[n];
            far = n; // farther than any node can be
            distance = new int[n];
            Arrays.fill(distance, far);
            before = new int[around.length];
            befores = new int[n];
            delta = new double[n];
            order = new int[n];
        }

        /** The dependencies of {@code source} on every node it reaches. */
        Dependencies run(int source) {
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
            int[] nodes = new int[reached - 1];
            double[] values = new double[reached - 1];
            for (int k = reached - 1; k >= 1; k--) { // every node reached but the source
                int node = order[k];
                double share = (1.0 + delta[node]) / (double) sigma[node];
                for (int p = start[node]; p < start[node] + befores[node]; p++) {
                    int other = before[p];
                    delta[other] += (double) sigma[other] * share;
                }
                nodes[reached - 1 - k] = node;
                values[reached - 1 - k] = delta[node];
            }
            return new Dependencies(nodes, values);
        }
    }
}
