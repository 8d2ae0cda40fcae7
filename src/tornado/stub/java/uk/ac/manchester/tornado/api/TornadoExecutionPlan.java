package uk.ac.manchester.tornado.api;

/**
 * Stand-in for TornadoVM's execution plan (src/tornado/stub/README.md). There is no runtime behind the
 * stubs: touching the class fails, as the real one does on a JVM started without TornadoVM.
 */
public final class TornadoExecutionPlan {
    public static final Device DEFAULT_DEVICE = noRuntime();

    public TornadoExecutionPlan(ImmutableTaskGraph... graphs) { noRuntime(); }

    public TornadoExecutionResult execute() { return noRuntime(); }

    public TornadoExecutionPlan withProfiler(uk.ac.manchester.tornado.api.enums.ProfilerMode mode) { return noRuntime(); }

    public TornadoExecutionPlan withoutProfiler() { return noRuntime(); }

    public TornadoExecutionPlan clearProfiles() { return noRuntime(); }

    public TornadoExecutionPlan withGraph(int graphIndex) { return noRuntime(); }

    public TornadoExecutionPlan withAllGraphs() { return noRuntime(); }

    public TornadoExecutionPlan withGridScheduler(GridScheduler gridScheduler) { return noRuntime(); }

    public Object freeDeviceMemory() { return noRuntime(); }

    public interface Device {
        String getDeviceName();

        String getDescription();
    }

    private static <T> T noRuntime() {
        throw new UnsupportedOperationException("TornadoVM API stub: no TornadoVM runtime in this build (-Ptornadovm)");
    }
}
