package rsn.neo4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code rsn.scopeTies}: the actor graph of a scope ({@link ActorGraph}) as rsn's weakness report
 * projects it, one tie per pair of actors with its strongest relationship and the types of all
 * its relationships, in compact columns: what the report would otherwise make of every
 * relationship of the scope, read one by one.
 *
 * <p>Each record holds a run of actors in id order and, for each, its ties to actors that come
 * after it, as little-endian byte columns (a few bytes a tie, where rows of values take tens).
 * The records are made one after another as the client pulls them.
 */
public final class Ties {
    /** The transaction of the call: the caller's view of the graph. */
    @Context
    public Transaction tx;

    /** The database, whose changes tell whether a kept actor graph still holds. */
    @Context
    public GraphDatabaseService db;

    /** One record of the answer: a run of actors and their ties to later actors. */
    public static final class Chunk {
        /** How many actors the graph has, and how many ties. */
        public long nodes;
        public long edges;
        /** The place of the run's first actor in id order, and the run's actors' ids. */
        public long first;
        public List<String> ids;
        /** For each actor of the run, how many ties it has to later actors (int32 each); then,
         * for each of those ties in order: the other actor's place (int32), the strongest
         * relationship's strength (float64), its type's place in the types asked for plus 128
         * when it starts at the run's actor (one byte), and the types of all the tie's
         * relationships as bits by their places (int32). */
        public byte[] counts;
        public byte[] others;
        public byte[] strengths;
        public byte[] strongest;
        public byte[] kinds;

        Chunk(long nodes, long edges, long first, List<String> ids, byte[] counts, byte[] others,
                byte[] strengths, byte[] strongest, byte[] kinds) {
            this.nodes = nodes;
            this.edges = edges;
            this.first = first;
            this.ids = ids;
            this.counts = counts;
            this.others = others;
            this.strengths = strengths;
            this.strongest = strongest;
            this.kinds = kinds;
        }
    }

    @Procedure(name = "rsn.scopeTies", mode = Mode.READ)
    @Description("rsn.scopeTies(labels, types, prefecture, day = '', chunk = 500000): the actor graph"
            + " of a prefecture (null: the whole network) as of the day, one tie per pair of actors"
            + " with its strongest relationship and the types of all, in records of about chunk"
            + " ties of little-endian byte columns, as rsn's weakness report projects it.")
    public Stream<Chunk> scopeTies(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name("prefecture") String prefecture,
            @Name(value = "day", defaultValue = "") String day,
            @Name(value = "chunk", defaultValue = "500000") long chunk) {
        BestPaths.Day on = BestPaths.Day.of(day);
        ActorGraph graph = KeptActorGraphs.of(tx, db, labels, types, prefecture, on, true, false);
        int n = graph.nodes();
        int[] later = new int[n]; // each actor's ties to later actors
        for (int v = 0; v < n; v++) {
            int from = Arrays.binarySearch(graph.around, graph.start[v], graph.start[v + 1], v + 1);
            if (from < 0) from = -from - 1;
            later[v] = from;
        }
        // the runs: actors until about chunk ties (and at least one actor)
        List<Integer> bounds = new ArrayList<>();
        bounds.add(0);
        long ties = 0;
        long most = Math.max(1, chunk);
        for (int v = 0; v < n; v++) {
            ties += graph.start[v + 1] - later[v];
            if (ties >= most || v - bounds.get(bounds.size() - 1) + 1 >= most) {
                bounds.add(v + 1);
                ties = 0;
            }
        }
        if (bounds.get(bounds.size() - 1) < n || n == 0) bounds.add(n);
        return IntStream.range(0, bounds.size() - 1)
                .mapToObj(k -> chunkOf(graph, later, bounds.get(k), bounds.get(k + 1)));
    }

    /** The record of the actors {@code from} (included) to {@code to} (excluded). */
    private static Chunk chunkOf(ActorGraph graph, int[] later, int from, int to) {
        int ties = 0;
        for (int v = from; v < to; v++) ties += graph.start[v + 1] - later[v];
        ByteBuffer counts = little(4 * (to - from));
        ByteBuffer others = little(4 * ties);
        ByteBuffer strengths = little(8 * ties);
        byte[] strongest = new byte[ties];
        ByteBuffer kinds = little(4 * ties);
        int at = 0;
        for (int v = from; v < to; v++) {
            counts.putInt(graph.start[v + 1] - later[v]);
            for (int k = later[v]; k < graph.start[v + 1]; k++) {
                others.putInt(graph.around[k]);
                strengths.putDouble(graph.strength[k]);
                strongest[at++] = graph.strongest[k];
                kinds.putInt(graph.kinds[k]);
            }
        }
        return new Chunk(graph.nodes(), graph.edges(), from, Arrays.asList(graph.ids).subList(from, to),
                counts.array(), others.array(), strengths.array(), strongest, kinds.array());
    }

    private static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
