package rsn.neo4j;

import java.util.Arrays;

/** Open-addressing hash tables keyed by node ids (never negative), without boxing. */
final class LongTables {
    private LongTables() {}

    static final long EMPTY = -1L;

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Node id to object. */
    static final class ToObject<V> {
        private long[] keys = filled(16);
        private Object[] values = new Object[16];
        private int size;

        @SuppressWarnings("unchecked")
        V get(long key) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) return (V) values[i];
                if (keys[i] == EMPTY) return null;
            }
        }

        void put(long key, V value) {
            if (2 * (size + 1) > keys.length) grow();
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    values[i] = value;
                    return;
                }
                if (keys[i] == EMPTY) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            Object[] oldValues = values;
            keys = filled(oldKeys.length * 2);
            values = new Object[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    @SuppressWarnings("unchecked")
                    V value = (V) oldValues[i];
                    put(oldKeys[i], value);
                }
            }
        }
    }

    /** Node id to a non-negative int; -1 when absent. */
    static final class ToInt {
        private long[] keys = filled(16);
        private int[] values = new int[16];
        private int size;

        int get(long key) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) return values[i];
                if (keys[i] == EMPTY) return -1;
            }
        }

        /** Sets the value unless the key is there already; whether it was added. */
        boolean add(long key, int value) {
            if (2 * (size + 1) > keys.length) grow();
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) return false;
                if (keys[i] == EMPTY) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return true;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = filled(oldKeys.length * 2);
            values = new int[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != EMPTY) add(oldKeys[i], oldValues[i]);
        }
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, EMPTY);
        return a;
    }
}
