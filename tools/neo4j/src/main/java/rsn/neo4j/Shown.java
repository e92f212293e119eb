package rsn.neo4j;

/**
 * A hub's ties as the callers who may not see every confidential relationship need them (see
 * {@link Sight}): its ties of the other types, {@link #open}, complete and sorted as every caller
 * sees them; and apart, each of its confidential relationships holding on the call's day to a
 * node existing then, strongest first, with the other end's key and the contributors that
 * asserted it. A call merges the open ties with the confidential ones it sees ({@link
 * BestPaths.Seen}), so one entry of the hub cache serves every such caller. Nothing changes it
 * once made, so calls on several threads share it.
 */
final class Shown implements HubCache.Entry {
    /** The hub's key (null without one): a caller entitled to it sees all its ties. */
    final String key;
    final BestPaths.Ties open;
    /** The confidential relationships, strongest first: other end, weight, the other end's key
     * (null without one), and the contributors that asserted it, as an index into
     * {@link #contributors} (many share one list). */
    final long[] ids;
    final double[] strengths;
    final String[] keys;
    final int[] by;
    final String[][] contributors;

    Shown(String key, BestPaths.Ties open, long[] ids, double[] strengths, String[] keys, int[] by,
            String[][] contributors) {
        this.key = key;
        this.open = open;
        this.ids = ids;
        this.strengths = strengths;
        this.keys = keys;
        this.by = by;
        this.contributors = contributors;
    }

    @Override
    public int held() {
        return open.total + ids.length;
    }
}
