package rsn.neo4j;

import java.util.Arrays;

/**
 * Node ids (never negative) numbered 0, 1, 2, ... in the order they were first added: an
 * open-addressing hash table without boxing, for the tens of thousands of ties of a hub.
 */
final class NodeIndex {
    private static final long EMPTY = -1L;

    private long[] keys = empty(16);
    private int[] numbers = new int[16];
    private int size;

    /** How many ids were added. */
    int size() {
        return size;
    }

    /** The number of {@code id}, or -1 if it was never added. */
    int indexOf(long id) {
        int slot = find(keys, id);
        return keys[slot] == id ? numbers[slot] : -1;
    }

    /** The number of {@code id}: the one it has, or the next one (then {@link #size} grows). */
    int add(long id) {
        int slot = find(keys, id);
        if (keys[slot] == id) return numbers[slot];
        if (2 * (size + 1) > keys.length) {
            grow();
            slot = find(keys, id);
        }
        keys[slot] = id;
        numbers[slot] = size;
        return size++;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    private static int find(long[] table, long id) {
        int mask = table.length - 1;
        long h = id * 0x9E3779B97F4A7C15L;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (table[slot] != id && table[slot] != EMPTY) slot = (slot + 1) & mask;
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldNumbers = numbers;
        keys = empty(oldKeys.length * 2);
        numbers = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == EMPTY) continue;
            int slot = find(keys, oldKeys[i]);
            keys[slot] = oldKeys[i];
            numbers[slot] = oldNumbers[i];
        }
    }

    private static long[] empty(int length) {
        long[] table = new long[length];
        Arrays.fill(table, EMPTY);
        return table;
    }
}
