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
 * {@code rsn.scopeConstraint}: Burt's constraint of some actors on the actor graph of a scope
 * ({@link ActorGraph}), unweighted, as rsn's weakness report computes it for its brokers
 * ({@code burt_constraint} in {@code graph/algorithms/centrality.py}): each contact's
 * investment is the actor's own share plus, through each contact in id order, that contact's
 * share if it is tied to it; the constraint is the sum of their squares in id order. The same
 * float operations in the same order, so the same floats. A broker of the whole network is a
 * hub with tens of thousands of contacts, whose own contacts it reads once each.
 */
public final class Constraint {
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
        /** For each actor asked about, in the order asked: its constraint (null for an actor
         * without ties, or one that is no actor of the graph). */
        public List<Double> values;

        Found(long nodes, long edges, List<Double> values) {
            this.nodes = nodes;
            this.edges = edges;
            this.values = values;
        }
    }

    @Procedure(name = "rsn.scopeConstraint", mode = Mode.READ)
    @Description("rsn.scopeConstraint(labels, types, prefecture, actors, day = ''): the actor graph of"
            + " a prefecture (null: the whole network) as of the day, and Burt's constraint of"
            + " each of the actors (null: no ties, or no actor of the graph), as rsn's weakness"
            + " report computes it.")
    public Stream<Found> scopeConstraint(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name("actors") List<String> actors,
            @Name(value = "day", defaultValue = "") String day) {
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, false, false);
        int[] place = new int[graph.nodes()]; // each contact's place among the actor's, or -1
        Arrays.fill(place, -1);
        List<Double> values = new ArrayList<>(actors.size());
        for (String id : actors) {
            if (ktx != null) ktx.assertOpen();
            int v = graph.indexOf(id);
            values.add(v < 0 ? null : of(graph, v, place));
        }
        return Stream.of(new Found(graph.nodes(), graph.edges(), values));
    }

    /** The constraint of actor {@code v} (null without ties); {@code place} is all -1 before
     * and after. */
    static Double of(ActorGraph graph, int v, int[] place) {
        int[] start = graph.start;
        int[] around = graph.around;
        int first = start[v];
        int contacts = start[v + 1] - first;
        if (contacts == 0) return null;
        double own = 1.0 / contacts;
        double[] invested = new double[contacts];
        for (int k = 0; k < contacts; k++) {
            invested[k] = own;
            place[around[first + k]] = k;
        }
        for (int k = 0; k < contacts; k++) { // each contact in id order
            int middle = around[first + k];
            double share = own / (start[middle + 1] - start[middle]);
            for (int j = start[middle]; j < start[middle + 1]; j++) {
                int at = place[around[j]];
                if (at >= 0) invested[at] += share;
            }
        }
        double sum = 0.0;
        for (int k = 0; k < contacts; k++) {
            sum += invested[k] * invested[k];
            place[around[first + k]] = -1;
        }
        return sum;
    }
}
