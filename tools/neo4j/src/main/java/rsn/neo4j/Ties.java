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
 * <p>Ties are numbered in the order of their first end, then of their other end (actors in id
 * order). Each record holds a run of actors in id order with, for each, every tie it has (the
 * other actor and the tie's number, so that a client can make each actor's neighbours at once),
 * and the ties whose first end is in the run (their strongest relationship, so that a client
 * makes each tie's data once for both ends), as little-endian byte columns: a few bytes a tie,
 * where rows of values take tens. The records are made one after another as the client pulls
 * them.
 */
public final class Ties {
    /** The transaction of the call: the caller's view of the graph. */
    @Context
    public Transaction tx;

    /** The database, whose changes tell whether a kept actor graph still holds. */
    @Context
    public GraphDatabaseService db;

    /** One record of the answer: a run of actors, their ties, and the ties they begin. */
    public static final class Chunk {
        /** How many actors the graph has, and how many ties. */
        public long nodes;
        public long edges;
        /** The place of the run's first actor in id order, and the run's actors' ids. */
        public long first;
        public List<String> ids;
        /** For each actor of the run, how many ties it has (int32 each); then, for each of
         * them in the order of the other actors, the other actor's place and the tie's number
         * (int32 each). */
        public byte[] counts;
        public byte[] others;
        public byte[] ties;
        /** For each tie whose first end is in the run, in their order: its strongest
         * relationship's source and target places (int32 each), strength (float64) and type's
         * place in the types asked for (a byte), and the types of all its relationships as
         * bits by their places (int32). */
        public byte[] sources;
        public byte[] targets;
        public byte[] strengths;
        public byte[] types;
        public byte[] kinds;

        Chunk(long nodes, long edges, long first, List<String> ids, byte[] counts, byte[] others,
                byte[] ties, byte[] sources, byte[] targets, byte[] strengths, byte[] types,
                byte[] kinds) {
            this.nodes = nodes;
            this.edges = edges;
            this.first = first;
            this.ids = ids;
            this.counts = counts;
            this.others = others;
            this.ties = ties;
            this.sources = sources;
            this.targets = targets;
            this.strengths = strengths;
            this.types = types;
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
        int[] later = new int[n]; // where each actor's ties to later actors begin
        int[] number = new int[n + 1]; // the number of each actor's first tie to a later one
        for (int v = 0; v < n; v++) {
            int from = Arrays.binarySearch(graph.around, graph.start[v], graph.start[v + 1], v + 1);
            if (from < 0) from = -from - 1;
            later[v] = from;
            number[v + 1] = number[v] + graph.start[v + 1] - from;
        }
        // the runs: actors until about chunk ties (and at least one actor)
        List<Integer> bounds = new ArrayList<>();
        bounds.add(0);
        long ties = 0;
        long most = Math.max(1, chunk);
        for (int v = 0; v < n; v++) {
            ties += graph.start[v + 1] - graph.start[v];
            if (ties >= most || v - bounds.get(bounds.size() - 1) + 1 >= most) {
                bounds.add(v + 1);
                ties = 0;
            }
        }
        if (bounds.get(bounds.size() - 1) < n || n == 0) bounds.add(n);
        return IntStream.range(0, bounds.size() - 1)
                .mapToObj(k -> chunkOf(graph, later, number, bounds.get(k), bounds.get(k + 1)));
    }

    /** The record of the actors {@code from} (included) to {@code to} (excluded). */
    private static Chunk chunkOf(ActorGraph graph, int[] later, int[] number, int from, int to) {
        int[] start = graph.start;
        int[] around = graph.around;
        int entries = start[to] - start[from];
        int begun = number[to] - number[from];
        ByteBuffer counts = little(4 * (to - from));
        ByteBuffer others = little(4 * entries);
        ByteBuffer ties = little(4 * entries);
        ByteBuffer sources = little(4 * begun);
        ByteBuffer targets = little(4 * begun);
        ByteBuffer strengths = little(8 * begun);
        byte[] types = new byte[begun];
        ByteBuffer kinds = little(4 * begun);
        int at = 0;
        for (int v = from; v < to; v++) {
            counts.putInt(start[v + 1] - start[v]);
            for (int k = start[v]; k < start[v + 1]; k++) {
                int other = around[k];
                others.putInt(other);
                if (k >= later[v]) {
                    ties.putInt(number[v] + k - later[v]);
                } else { // the tie begun by the other actor: v among its later neighbours
                    int place = Arrays.binarySearch(around, later[other], start[other + 1], v);
                    ties.putInt(number[other] + place - later[other]);
                }
            }
            for (int k = later[v]; k < start[v + 1]; k++) {
                int code = graph.strongest[k];
                boolean forward = (code & ActorGraph.FORWARD) != 0;
                sources.putInt(forward ? v : around[k]);
                targets.putInt(forward ? around[k] : v);
                strengths.putDouble(graph.strength[k]);
                types[at++] = (byte) (code & ~ActorGraph.FORWARD);
                kinds.putInt(graph.kinds[k]);
            }
        }
        return new Chunk(graph.nodes(), graph.edges(), from, Arrays.asList(graph.ids).subList(from, to),
                counts.array(), others.array(), ties.array(), sources.array(), targets.array(),
                strengths.array(), types, kinds.array());
    }

    private static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
