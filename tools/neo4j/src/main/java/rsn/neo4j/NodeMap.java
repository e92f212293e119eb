package rsn.neo4j;

import java.util.ArrayList;
import java.util.List;

/** Node ids to values, on a {@link NodeIndex}. */
final class NodeMap<V> {
    private final NodeIndex index = new NodeIndex();
    private final List<V> values = new ArrayList<>();

    /** The value of {@code id}, or null. */
    V get(long id) {
        int number = index.indexOf(id);
        return number < 0 ? null : values.get(number);
    }

    /** The values, in the order their ids were first put; the map's own list, to read only. */
    List<V> values() {
        return values;
    }

    void put(long id, V value) {
        int number = index.add(id);
        if (number == values.size()) values.add(value);
        else values.set(number, value);
    }
}
