package rsn.neo4j;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.LabelEntry;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;

/**
 * Registers, on each database of the server but {@code system}, the listener that tells {@link GraphChanges} what
 * each transaction changed. Found by the server like any extension on its classpath (the
 * plugins folder is on it), through {@code META-INF/services}.
 */
public final class GraphChangesExtension extends ExtensionFactory<GraphChangesExtension.Dependencies> {
    /** What the extension needs from the server: the database and the way to listen to it. */
    public interface Dependencies {
        GraphDatabaseAPI database();

        DatabaseManagementService databaseManagementService();
    }

    public GraphChangesExtension() {
        super(ExtensionType.DATABASE, "rsn-graph-changes");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        GraphDatabaseAPI database = dependencies.database();
        DatabaseManagementService service = dependencies.databaseManagementService();
        if (GraphDatabaseSettings.SYSTEM_DATABASE_NAME.equals(database.databaseName())) {
            return new LifecycleAdapter(); // no listener may be registered there, nor is needed
        }
        String id = String.valueOf(database.databaseId());
        Listener listener = new Listener(id);
        return new LifecycleAdapter() {
            @Override
            public void start() {
                GraphChanges.track(id);
                service.registerTransactionEventListener(database.databaseName(), listener);
            }

            @Override
            public void stop() {
                service.unregisterTransactionEventListener(database.databaseName(), listener);
                GraphChanges.forget(id);
                // a database may be started again over other files (a restore): nothing
                // kept of it may outlive this
                HubCache.drop(id, null);
                Counts.drop(id);
                KeptActorGraphs.drop(id);
            }
        };
    }

    /** What a transaction changed: the labels and types, and the nodes (null: too many to
     * name, as in a bulk load, which drops every cached hub). */
    record Touched(Set<String> names, long[] nodes) {}

    /** Touches, before and after each commit, what a transaction changed. */
    static final class Listener implements TransactionEventListener<Touched> {
        private final String database;

        Listener(String database) {
            this.database = database;
        }

        @Override
        public Touched beforeCommit(TransactionData data, Transaction transaction,
                GraphDatabaseService service) {
            Touched touched = touched(data);
            GraphChanges.touch(database, touched.names(), touched.nodes());
            return touched;
        }

        @Override
        public void afterCommit(TransactionData data, Touched touched, GraphDatabaseService service) {
            GraphChanges.touch(database, touched.names(), touched.nodes());
        }

        @Override
        public void afterRollback(TransactionData data, Touched touched, GraphDatabaseService service) {
            if (touched != null) GraphChanges.touch(database, touched.names(), touched.nodes());
        }
    }

    /** Beyond this many nodes touched, a transaction is said to touch them all. */
    static final int MAX_NAMED_NODES = 100_000;

    /**
     * What {@code data} changed. Names: the labels of nodes created, deleted, relabelled or given
     * other properties, the types of relationships created, deleted or given other properties;
     * {@link GraphChanges#ANY} too when a node's {@code founded} or {@code ended} changed (whether
     * it, and its relationships, count on a day) or a change could not be told. Nodes: those
     * created, deleted or changed, both ends of each relationship created, deleted or changed
     * (but a referral's links, {@link #REFERRAL_LINKS}), and the neighbours of a node that was
     * there before whose dates or labels changed (whether it counts among their ties on a day).
     */
    static Touched touched(TransactionData data) {
        Set<String> names = new HashSet<>();
        Set<Long> nodes = new HashSet<>();
        // a node made now has no tie but those made now (each touched as such), so what it
        // is and holds changes no neighbour's ties
        Set<Long> created = new HashSet<>();
        try {
            for (Node node : data.createdNodes()) {
                labelsOf(node, names);
                nodes.add(node.getId());
                created.add(node.getId());
            }
            for (Node node : data.deletedNodes()) nodes.add(node.getId());
            for (LabelEntry entry : data.assignedLabels()) labelChanged(entry, data, names, nodes, created);
            // the labels of deleted nodes are among the removed ones
            for (LabelEntry entry : data.removedLabels()) labelChanged(entry, data, names, nodes, created);
            for (PropertyEntry<Node> entry : data.assignedNodeProperties()) {
                nodeProperty(entry, data, names, nodes, created);
            }
            for (PropertyEntry<Node> entry : data.removedNodeProperties()) {
                nodeProperty(entry, data, names, nodes, created);
            }
            for (Relationship relationship : data.createdRelationships()) relationship(relationship, names, nodes);
            for (Relationship relationship : data.deletedRelationships()) relationship(relationship, names, nodes);
            for (PropertyEntry<Relationship> entry : data.assignedRelationshipProperties()) {
                relationship(entry.entity(), names, nodes);
            }
            for (PropertyEntry<Relationship> entry : data.removedRelationshipProperties()) {
                relationship(entry.entity(), names, nodes);
            }
        } catch (RuntimeException unknown) {
            names.add(GraphChanges.ANY);
            return new Touched(names, null);
        }
        if (nodes.size() > MAX_NAMED_NODES) return new Touched(names, null);
        long[] sorted = nodes.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Touched(names, sorted);
    }

    private static void labelChanged(LabelEntry entry, TransactionData data, Set<String> names, Set<Long> nodes,
            Set<Long> created) {
        names.add(entry.label().name());
        Node node = entry.node();
        nodes.add(node.getId());
        if (!data.isDeleted(node) && !created.contains(node.getId())) neighboursOf(node, nodes);
    }

    private static void nodeProperty(PropertyEntry<Node> entry, TransactionData data, Set<String> names,
            Set<Long> nodes, Set<Long> created) {
        Node node = entry.entity();
        nodes.add(node.getId());
        if (data.isDeleted(node)) return; // its labels are among the removed ones
        labelsOf(node, names);
        String key = entry.key();
        if (key.equals("founded") || key.equals("ended")) {
            names.add(GraphChanges.ANY);
            if (!created.contains(node.getId())) neighboursOf(node, nodes);
        }
    }

    /** The types of a referral's links to its two centres and its enterprise (rsn's Cypher
     * makes them): no tie of the network, so no hub's ties change with them. */
    static final Set<String> REFERRAL_LINKS = Set.of("FROM_CENTRE", "TO_CENTRE", "ABOUT");

    private static void relationship(Relationship relationship, Set<String> names, Set<Long> nodes) {
        String type = relationship.getType().name();
        names.add(type);
        if (REFERRAL_LINKS.contains(type)) return;
        nodes.add(relationship.getStartNodeId());
        nodes.add(relationship.getEndNodeId());
    }

    private static void neighboursOf(Node node, Set<Long> nodes) {
        for (Relationship relationship : node.getRelationships()) {
            nodes.add(relationship.getOtherNodeId(node.getId()));
            if (nodes.size() > MAX_NAMED_NODES) return;
        }
    }

    private static void labelsOf(Node node, Set<String> names) {
        for (Label label : node.getLabels()) names.add(label.name());
    }
}
