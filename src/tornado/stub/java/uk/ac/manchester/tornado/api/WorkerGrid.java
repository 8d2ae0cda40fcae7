package uk.ac.manchester.tornado.api;

/** Stand-in for TornadoVM's worker grid (src/tornado/stub/README.md). */
public interface WorkerGrid {
    long[] getGlobalWork();

    long[] getLocalWork();

    void setLocalWork(long x, long y, long z);
}
