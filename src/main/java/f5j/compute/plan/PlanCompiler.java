package f5j.compute.plan;

/**
 * Implemented by a {@link f5j.compute.Backend} that executes whole plans natively (TornadoVM: one set of
 * task graphs reused across runs). Backends without it replay plans call by call ({@link HostPlanExecutor}).
 */
public interface PlanCompiler {
    PlanExecutor compile(Plan plan);
}
