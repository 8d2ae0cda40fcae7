package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TornadoVM backend ({@code --backend tornado}, built with {@code -Ptornadovm}).
 *
 * <p>Whole plans ({@link PlanCompiler#compile}) are the fast path: task graphs built once, weights resident
 * on the device, one execution plan reused for every run. Single {@link Backend} calls, which the layers
 * make when they are not driven through a plan, are offloaded as one-task plans cached per call shape;
 * their arrays travel both ways on every call, so that path is for correctness, not speed.
 *
 * <p>It is a {@link Proxy} over the Backend interface so that every Backend method is routed by name to
 * {@link TornadoPlanExecutor#addTask}; a method without a TornadoVM twin fails with a message naming it.
 */
public final class TornadoBackend implements InvocationHandler {
    /** Tasks per TornadoVM task graph (each graph's bytecode is bounded by -Dtornado.tvm.maxbytecodesize). */
    static final int TASKS_PER_GRAPH = Integer.getInteger("f5j.tornado.tasksPerGraph", 32);

    private final Map<String, PlanExecutor> singleCalls = new ConcurrentHashMap<>();
    private final String device;

    private TornadoBackend() {
        // Touching the execution plan class starts the TornadoVM runtime and picks the default device; it
        // fails here, with TornadoVM's own message, when the JVM was not started with TornadoVM's flags.
        device = TornadoExecutionPlan.DEFAULT_DEVICE.getDeviceName() + " ("
                + TornadoExecutionPlan.DEFAULT_DEVICE.getDescription() + ")";
    }

    /** Called by f5j.cli.Backends through reflection, so the default build never links TornadoVM. */
    public static Backend create() {
        TornadoBackend h = new TornadoBackend();
        return (Backend) Proxy.newProxyInstance(TornadoBackend.class.getClassLoader(),
                new Class<?>[] {Backend.class, PlanCompiler.class}, h);
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "tornado[" + device + "]";
            };
        }
        if (m.getName().equals("name") && m.getParameterCount() == 0) return "tornado";
        if (m.getDeclaringClass() == PlanCompiler.class) {
            return new TornadoPlanExecutor((Plan) args[0], TASKS_PER_GRAPH);
        }
        call(m, args);
        return null;
    }

    /** One Backend call: a cached one-task plan for this shape; arrays in, the arrays it writes copied back. */
    private void call(Method m, Object[] args) {
        Plan.Access[] acc = Plan.access(m);
        StringBuilder key = new StringBuilder(m.toGenericString());
        Map<String, Object> inputs = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (acc[i] == null) {
                key.append('|').append(args[i]);
            } else {
                key.append('|').append(args[i] == null ? "null" : Array.getLength(args[i]));
                if (args[i] != null && acc[i] != Plan.Access.WRITE) inputs.put("a" + i, args[i]);
            }
        }
        PlanExecutor exec = singleCalls.computeIfAbsent(key.toString(),
                k -> new TornadoPlanExecutor(Plan.ofCall(m, args), 1));
        Map<String, float[]> out = exec.run(inputs);
        for (int i = 0; i < args.length; i++) {
            if (acc[i] != null && acc[i] != Plan.Access.READ && args[i] != null) {
                float[] r = out.get("a" + i);
                System.arraycopy(r, 0, (float[]) args[i], 0, r.length);
            }
        }
    }
}
