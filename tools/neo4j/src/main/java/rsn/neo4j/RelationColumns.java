package rsn.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.RelationshipSelection;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;

/**
 * {@code rsn.relationColumns}: every relationship of the given types that leaves a node of the
 * given labels and holds on a day between two nodes that exist then (see {@link BestPaths} for
 * how a day is read; no day: the whole history), as rows of {@code [source id, type, target
 * id, strength, since, until]}: what rsn reads of the whole network for its weakness report.
 *
 * <p>Cypher reads the same rows page by page; here the store's cursors read each node once
 * and each relationship once, with only the properties a row needs (the other end's
 * {@code id}, and its dates only for a day). The rows come in chunks, a record each, made one
 * after another as the client pulls them, so the server never holds more than a chunk.
 */
public final class RelationColumns {
    /** The transaction of the call; its kernel side gives the store's cursors. */
    @Context
    public Transaction tx;

    /** One record of the answer: up to {@code chunk} rows. */
    public static final class Chunk {
        public List<List<Object>> relations;

        Chunk(List<List<Object>> relations) {
            this.relations = relations;
        }
    }

    @Procedure(name = "rsn.relationColumns", mode = Mode.READ)
    @Description("rsn.relationColumns(labels, types, day = '', chunk = 20000): every relationship"
            + " of the types from a node of the labels that holds on the day between two nodes"
            + " existing then, as [source id, type, target id, strength, since, until] rows,"
            + " chunk rows a record.")
    public Stream<Chunk> relationColumns(
            @Name("labels") List<String> labels,
            @Name("types") List<String> types,
            @Name(value = "day", defaultValue = "") String day,
            @Name(value = "chunk", defaultValue = "20000") long chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        BestPaths.Day on = BestPaths.Day.of(day);
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        Rows rows = new Rows(ktx, labels, types, on, (int) Math.min(chunk, Integer.MAX_VALUE));
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(rows::close);
    }

    /** The chunks of rows, read as they are asked for. */
    private static final class Rows implements Iterator<Chunk>, AutoCloseable {
        private final KernelTransaction ktx;
        private final Read read;
        private final BestPaths.Day on;
        private final int chunk;
        private final int[] labelIds;
        private final String[] typeNames; // by relationship type id; null for a type not read
        private final int idKey, strengthKey, sinceKey, untilKey, foundedKey, endedKey;
        private final int[] dateKeys; // founded and ended, as Counts.exists reads them
        private final PropertySelection nodeDates, targetProperties, rowProperties, idOnly;
        private final NodeCursor node, target;
        private final PropertyCursor properties;
        private final RelationshipTraversalCursor relationship;
        private final RelationshipSelection selection;
        /** Whether the node under {@link #node} is being read (its relationships left). */
        private boolean inNode;
        private String sourceId;
        private Chunk next;
        private long seen;

        Rows(KernelTransaction ktx, List<String> labels, List<String> types, BestPaths.Day on, int chunk) {
            this.ktx = ktx;
            this.on = on;
            this.chunk = chunk;
            this.read = ktx.dataRead();
            TokenRead tokens = ktx.tokenRead();
            labelIds = labels.stream().mapToInt(tokens::nodeLabel).filter(id -> id >= 0).toArray();
            int[] typeIds = types.stream().mapToInt(tokens::relationshipType).filter(id -> id >= 0).toArray();
            typeNames = new String[Arrays.stream(typeIds).max().orElse(-1) + 1];
            for (int i = 0; i < types.size(); i++) {
                int id = tokens.relationshipType(types.get(i));
                if (id >= 0) typeNames[id] = types.get(i);
            }
            idKey = tokens.propertyKey("id");
            strengthKey = tokens.propertyKey("strength");
            sinceKey = tokens.propertyKey("since");
            untilKey = tokens.propertyKey("until");
            foundedKey = tokens.propertyKey("founded");
            endedKey = tokens.propertyKey("ended");
            dateKeys = new int[] {foundedKey, endedKey};
            nodeDates = PropertySelection.selection(present(foundedKey, endedKey));
            targetProperties = PropertySelection.selection(
                    present(idKey, on == null ? -1 : foundedKey, on == null ? -1 : endedKey));
            rowProperties = PropertySelection.selection(present(strengthKey, sinceKey, untilKey));
            idOnly = PropertySelection.selection(present(idKey));
            CursorFactory cursors = ktx.cursors();
            CursorContext context = ktx.cursorContext();
            MemoryTracker memory = ktx.memoryTracker();
            node = cursors.allocateNodeCursor(context, memory);
            target = cursors.allocateNodeCursor(context, memory);
            properties = cursors.allocatePropertyCursor(context, memory);
            relationship = cursors.allocateRelationshipTraversalCursor(context, memory);
            selection = typeIds.length == 0 ? null : RelationshipSelection.selection(typeIds, Direction.OUTGOING);
            boolean any = labelIds.length > 0 && selection != null && idKey >= 0;
            if (any) read.allNodesScan(node);
            next = any ? read() : null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Chunk next() {
            if (next == null) throw new NoSuchElementException();
            Chunk found = next;
            next = found.relations.size() < chunk ? null : read();
            return found;
        }

        /** The next chunk: up to {@link #chunk} rows (none at the end, then null is next). */
        private Chunk read() {
            List<List<Object>> rows = new ArrayList<>(Math.min(chunk, 1 << 16));
            while (rows.size() < chunk) {
                if (inNode && relationship.next()) {
                    if ((++seen & 1023) == 0) ktx.assertOpen();
                    List<Object> row = row();
                    if (row != null) rows.add(row);
                    continue;
                }
                inNode = false;
                if (!node.next()) break;
                if ((++seen & 1023) == 0) ktx.assertOpen();
                if (!labelled() || (on != null && !Counts.exists(node, properties, nodeDates, dateKeys, on))) continue;
                sourceId = idOf(node);
                node.relationships(relationship, selection);
                inNode = true;
            }
            if (rows.isEmpty() && !inNode) return null;
            return new Chunk(rows);
        }

        /** Whether the node under {@link #node} has one of the labels. */
        private boolean labelled() {
            for (int label : labelIds) if (node.hasLabel(label)) return true;
            return false;
        }

        /** The row of the relationship under {@link #relationship}; null when it does not hold
         * on the day or its other end does not exist then. */
        private List<Object> row() {
            String type = relationship.type() < typeNames.length ? typeNames[relationship.type()] : null;
            if (type == null) return null;
            Object strength = null, since = null, until = null;
            relationship.properties(properties, rowProperties);
            while (properties.next()) {
                int key = properties.propertyKey();
                Value value = properties.propertyValue();
                if (key == strengthKey) strength = value.asObjectCopy();
                else if (key == sinceKey) since = value.asObjectCopy();
                else if (key == untilKey) until = value.asObjectCopy();
            }
            if (on != null && !holds(since, until)) return null;
            read.singleNode(relationship.otherNodeReference(), target);
            if (!target.next()) return null;
            String targetId = null;
            boolean exists = true;
            target.properties(properties, targetProperties);
            while (properties.next()) {
                int key = properties.propertyKey();
                Value value = properties.propertyValue();
                if (key == idKey) {
                    targetId = value instanceof TextValue text ? text.stringValue() : null;
                } else if (key == foundedKey && value instanceof NumberValue year) {
                    if (year.doubleValue() > on.year()) exists = false;
                } else if (key == endedKey && value instanceof TextValue ended) {
                    if (ended.stringValue().compareTo(on.text()) <= 0) exists = false;
                }
            }
            if (!exists) return null;
            return Arrays.asList(sourceId, type, targetId, strength, since, until);
        }

        /** Whether a relationship dated {@code since} to {@code until} holds on the day. */
        private boolean holds(Object since, Object until) {
            if (since instanceof String text && text.compareTo(on.text()) > 0) return false;
            return !(until instanceof String text && text.compareTo(on.text()) <= 0);
        }

        /** The {@code id} of the node under {@code cursor} (null without a text one). */
        private String idOf(NodeCursor cursor) {
            cursor.properties(properties, idOnly);
            String found = null;
            while (properties.next()) {
                Value value = properties.propertyValue();
                if (value instanceof TextValue text) found = text.stringValue();
            }
            return found;
        }

        @Override
        public void close() {
            node.close();
            target.close();
            properties.close();
            relationship.close();
        }
    }

    /** The keys among {@code keys} that some record has. */
    private static int[] present(int... keys) {
        return Arrays.stream(keys).filter(key -> key >= 0).toArray();
    }
}
