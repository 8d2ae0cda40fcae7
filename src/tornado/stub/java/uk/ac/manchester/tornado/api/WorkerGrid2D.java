package uk.ac.manchester.tornado.api;

/** Stand-in for TornadoVM's 2-D worker grid (src/tornado/stub/README.md). */
public class WorkerGrid2D implements WorkerGrid {
    private final long[] global;
    private long[] local = {1, 1, 1};

    public WorkerGrid2D(int x, int y) { global = new long[] {x, y, 1}; }

    @Override public long[] getGlobalWork() { return global; }

    @Override public long[] getLocalWork() { return local; }

    @Override public void setLocalWork(long x, long y, long z) { local = new long[] {x, y, z}; }
}
