package rsn.neo4j;

import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

/**
 * {@code rsn.changesTracked}: whether the plugin's listener follows this database's changes
 * ({@link GraphChanges}), so that what the plugin keeps (hubs' ties, counts) holds until a write
 * touches it rather than until any transaction closes. False when the plugin's jar is in the
 * plugins folder but the server did not load its extension (the folder not on its classpath).
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

    @Procedure(name = "rsn.changesTracked", mode = Mode.READ)
    @Description("rsn.changesTracked(): whether rsn's plugin follows this database's changes, so"
            + " that the hubs' ties and counts it keeps last until a write touches them.")
    public Stream<Row> changesTracked() {
        String id = String.valueOf(((GraphDatabaseAPI) db).databaseId());
        return Stream.of(new Row(GraphChanges.tracked(id)));
    }
}
