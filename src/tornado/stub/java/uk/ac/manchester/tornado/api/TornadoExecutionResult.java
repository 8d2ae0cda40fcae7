package uk.ac.manchester.tornado.api;

/** Stand-in for TornadoVM's execution result (src/tornado/stub/README.md). */
public final class TornadoExecutionResult {
    private TornadoExecutionResult() {}

    public TornadoProfilerResult getProfilerResult() { throw new UnsupportedOperationException("TornadoVM API stub"); }
}
