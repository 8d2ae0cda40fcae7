package uk.ac.manchester.tornado.api;

/** Stand-in for TornadoVM's profiler result (src/tornado/stub/README.md). */
public final class TornadoProfilerResult {
    private TornadoProfilerResult() {}

    /** The JSON TornadoVM's profiler logged for the graph's executions (SILENT mode accumulates it). */
    public String getProfileLog() { throw new UnsupportedOperationException("TornadoVM API stub"); }
}
