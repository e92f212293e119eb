package rsn.neo4j;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code rsn.changesTracked}: whether the plugin's listener follows this database's changes
 * ({@link GraphChanges}), so that what the plugin keeps (hubs' ties, counts) holds until a write
 * touches it rather than until any transaction closes. False when the plugin's jar is in the
 * plugins folder but the server did not load its extension (the folder not on its classpath).
 *
 * <p>{@code rsn.changeStamp(names)}: a stamp of the labels and relationship types {@code names}:
 * the same stamp twice means no transaction changed a node of those labels or a relationship of
 * those types in between (across a restart of the server, never the same); null where changes
 * are not tracked. A client keeps what it read between two equal stamps for as long as the
 * stamp stays.
 *
 * <p>{@code rsn.cachedHubs()}: the ids of the nodes whose ties the plugin keeps now for
 * {@code rsn.kBestPaths} ({@link HubCache}), so that what a write drops can be seen.
 */
public final class Tracked {
    @Context
    public GraphDatabaseService db;

    /** The row of the answer. */
    public static final class Row {
        public boolean tracked;

        Row(boolean tracked) {
            this.tracked = tracked;
        }
    }

    /** The row of a stamp. */
    public static final class Stamp {
        public String stamp;

        Stamp(String stamp) {
            this.stamp = stamp;
        }
    }

    @Procedure(name = "rsn.changeStamp", mode = Mode.READ)
    @Description("rsn.changeStamp(names): a stamp that stays the same while no transaction changes"
            + " nodes of these labels or relationships of these types; null where rsn's plugin does"
            + " not follow the database's changes.")
    public Stream<Stamp> changeStamp(@Name("names") List<String> names) {
        String id = String.valueOf(((GraphDatabaseAPI) db).databaseId());
        return Stream.of(new Stamp(GraphChanges.stamp(id, names)));
    }

    /** The row of a node whose ties are kept. */
    public static final class Hub {
        public String id;

        Hub(String id) {
            this.id = id;
        }
    }

    @Context
    public Transaction tx;

    @Procedure(name = "rsn.cachedHubs", mode = Mode.READ)
    @Description("rsn.cachedHubs(): the id of each node whose ties rsn's plugin keeps now, for"
            + " rsn.kBestPaths (a hub), in any of this database's caches: to see what a write"
            + " drops.")
    public Stream<Hub> cachedHubs() {
        String id = String.valueOf(((GraphDatabaseAPI) db).databaseId());
        List<Hub> found = new ArrayList<>();
        for (long node : HubCache.cachedNodes(id)) {
            try {
                Object key = tx.getNodeById(node).getProperty("id", null);
                if (key != null) found.add(new Hub(String.valueOf(key)));
            } catch (NotFoundException gone) {
                // deleted since it was kept: its entry goes with the write's touch
            }
        }
        return found.stream();
    }

    @Procedure(name = "rsn.changesTracked", mode = Mode.READ)
    @Description("rsn.changesTracked(): whether rsn's plugin follows this database's changes, so"
            + " that the hubs' ties and counts it keeps last until a write touches them.")
    public Stream<Row> changesTracked() {
        String id = String.valueOf(((GraphDatabaseAPI) db).databaseId());
        return Stream.of(new Row(GraphChanges.tracked(id)));
    }
}
