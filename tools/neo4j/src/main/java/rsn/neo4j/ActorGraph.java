package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

/**
 * The actor graph of a scope, as rsn's weakness report makes it: the nodes of the given labels
 * whose {@code prefecture} is the scope's (every one for the whole network) existing on the day,
 * and one undirected tie per pair of them joined by a relationship of the given types holding
 * on it (see {@link BestPaths} for how a day is read; no day: the whole history).
 *
 * <p>Nodes are numbered in the order of their ids; each node's neighbours are
 * {@code around[start[v] .. start[v + 1])}, in that order, once each. With strengths, the tie's
 * {@code strength} is that of the strongest relationship joining the two, as the report's
 * projection keeps it.
 */
final class ActorGraph {
    /** Every actor's id, in id order. */
    final String[] ids;
    final int[] start;
    final int[] around;
    /** The strength of each tie of {@link #around} (null when not read). */
    final double[] strength;
    /** Each actor's {@code prefecture} (null when not read; an element is null for an actor
     * without a text one). */
    final String[] prefectures;

    private ActorGraph(String[] ids, int[] start, int[] around, double[] strength, String[] prefectures) {
        this.ids = ids;
        this.start = start;
        this.around = around;
        this.strength = strength;
        this.prefectures = prefectures;
    }

    /** How many actors the graph has. */
    int nodes() {
        return ids.length;
    }

    /** How many ties the graph has. */
    long edges() {
        return start[ids.length] / 2;
    }

    /** The number of the actor {@code id}, or -1 for an id that is no actor of the graph. */
    int indexOf(String id) {
        int number = id == null ? -1 : Arrays.binarySearch(ids, id);
        return number < 0 ? -1 : number;
    }

    /** Reads the actor graph of {@code prefecture} (null: the whole network) as of {@code on},
     * with the ties' strengths when {@code strengths} and each actor's prefecture when
     * {@code places}. Its arrays are not changed once read: a graph is shared by the calls
     * {@link KeptActorGraphs} keeps it for. */
    @SuppressWarnings("deprecation") // node ids number the nodes of one transaction only
    static ActorGraph read(Transaction tx, List<String> labels, List<String> types, String prefecture,
            BestPaths.Day on, boolean strengths, boolean places) {
        // the actors, in id order
        List<Node> actors = new ArrayList<>();
        List<String> actorIds = new ArrayList<>();
        NodeIndex seen = new NodeIndex(); // a node under two of the labels counts once
        for (String name : labels) {
            Label label = Label.label(name);
            try (ResourceIterator<Node> found = prefecture == null
                    ? tx.findNodes(label)
                    : tx.findNodes(label, "prefecture", prefecture)) {
                while (found.hasNext()) {
                    Node node = found.next();
                    Object id = node.getProperty("id", null);
                    if (id instanceof String text && exists(node, on)
                            && seen.indexOf(node.getId()) < 0) {
                        seen.add(node.getId());
                        actors.add(node);
                        actorIds.add(text);
                    }
                }
            }
        }
        Integer[] order = new Integer[actors.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(actorIds::get));
        int n = order.length;
        String[] ids = new String[n];
        Node[] nodes = new Node[n];
        NodeIndex index = new NodeIndex();
        String[] prefectures = places ? new String[n] : null;
        for (int i = 0; i < n; i++) {
            ids[i] = actorIds.get(order[i]);
            nodes[i] = actors.get(order[i]);
            index.add(nodes[i].getId());
            if (places && nodes[i].getProperty("prefecture", null) instanceof String code) {
                prefectures[i] = code;
            }
        }
        actors = null;
        actorIds = null;

        // each actor's neighbours among the actors, in id order, once each (compressed rows)
        RelationshipType[] relationshipTypes =
                types.stream().map(RelationshipType::withName).toArray(RelationshipType[]::new);
        int[] start = new int[n + 1];
        int[] around = new int[16];
        double[] strength = strengths ? new double[16] : null;
        int[] mine = new int[16];
        double[] mineStrength = new double[16];
        long[] sorted = new long[16];
        double[] kept = new double[16]; // the strongest tie to each neighbour, in their order
        int size = 0;
        for (int i = 0; i < n; i++) {
            int count = 0;
            Node node = nodes[i];
            for (Relationship relationship : node.getRelationships(Direction.BOTH, relationshipTypes)) {
                Node other = relationship.getOtherNode(node);
                int number = index.indexOf(other.getId());
                if (number < 0 || !holds(relationship, on)) continue;
                if (count == mine.length) {
                    mine = Arrays.copyOf(mine, count * 2);
                    mineStrength = Arrays.copyOf(mineStrength, count * 2);
                }
                mineStrength[count] = strengths ? strengthOf(relationship) : 0.0;
                mine[count++] = number;
            }
            int distinct;
            if (strengths) {
                // by neighbour, the strongest of each neighbour's relationships kept
                if (sorted.length < count) sorted = new long[Math.max(count, sorted.length * 2)];
                for (int k = 0; k < count; k++) sorted[k] = ((long) mine[k] << 32) | k;
                Arrays.sort(sorted, 0, count);
                if (kept.length < count) kept = new double[Math.max(count, kept.length * 2)];
                distinct = 0;
                for (int k = 0; k < count; k++) {
                    int neighbour = (int) (sorted[k] >>> 32);
                    double value = mineStrength[(int) sorted[k]];
                    if (distinct > 0 && mine[distinct - 1] == neighbour) {
                        if (value > kept[distinct - 1]) kept[distinct - 1] = value;
                    } else {
                        mine[distinct] = neighbour;
                        kept[distinct++] = value;
                    }
                }
            } else {
                Arrays.sort(mine, 0, count);
                distinct = 0;
                for (int k = 0; k < count; k++) {
                    if (k == 0 || mine[k] != mine[k - 1]) mine[distinct++] = mine[k];
                }
            }
            if (size + distinct > around.length) {
                around = Arrays.copyOf(around, Math.max(around.length * 2, size + distinct));
                if (strengths) strength = Arrays.copyOf(strength, around.length);
            }
            System.arraycopy(mine, 0, around, size, distinct);
            if (strengths) System.arraycopy(kept, 0, strength, size, distinct);
            size += distinct;
            start[i + 1] = size;
            nodes[i] = null; // read: let it go
        }
        return new ActorGraph(ids, start, around, strength, prefectures);
    }

    /** The {@code strength} of a relationship, as rsn reads it (0 without one). */
    private static double strengthOf(Relationship relationship) {
        return relationship.getProperty("strength", null) instanceof Number value ? value.doubleValue() : 0.0;
    }

    /** Whether {@code node} exists on the day (always without one): founded in its year or
     * before, not ended on or before it. */
    static boolean exists(Node node, BestPaths.Day day) {
        if (day == null) return true;
        Object founded = node.getProperty("founded", null);
        if (founded instanceof Number year && year.doubleValue() > day.year()) return false;
        Object ended = node.getProperty("ended", null);
        return !(ended instanceof String text && text.compareTo(day.text()) <= 0);
    }

    /** Whether {@code relationship} holds on the day (always without one). */
    static boolean holds(Relationship relationship, BestPaths.Day day) {
        if (day == null) return true;
        Object since = relationship.getProperty("since", null);
        if (since instanceof String text && text.compareTo(day.text()) > 0) return false;
        Object until = relationship.getProperty("until", null);
        return !(until instanceof String text && text.compareTo(day.text()) <= 0);
    }
}
