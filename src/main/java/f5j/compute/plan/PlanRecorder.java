package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.plan.Plan.Arg;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.Plan.Role;
import f5j.compute.plan.Plan.Step;
import f5j.weights.RawTensor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Plan} by running a model once through {@link #backend()}: a {@link Backend} that executes
 * every call on a delegate (so host code between calls sees real values) and records it, mapping each
 * array's identity to a named buffer.
 *
 * <p>It relies on the Backend convention that the LAST float[] parameter of a call is the one it writes
 * and all others are only read. Buffer roles come from what happened first to each array: declared with
 * {@link #input} → INPUT; read first and equal to a state-dict tensor → WEIGHT named by its key; read first
 * otherwise → CONSTANT; written first by a kernel → ACTIVATION (OUTPUT if handed to {@link #finish}).
 *
 * <p>The recorder also checks the recording is a closed kernel program: a kernel-written buffer whose
 * contents changed before a kernel read it again (host code wrote into it), or an output not produced by a
 * kernel, is reported in {@link Plan#problems()}.
 */
public final class PlanRecorder {
    private final Backend delegate;
    private final Backend proxy;
    private final Map<float[], Info> infos = new IdentityHashMap<>();
    private final List<Info> order = new ArrayList<>();
    private final Map<float[], String> declared = new IdentityHashMap<>();
    private final Map<Long, List<String>> weightIndex = new HashMap<>();
    private final Map<String, RawTensor> weightSource = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean finished;

    private static final class Info {
        final int id;
        final float[] array;
        String name;
        Role role;
        float[] host;           // first-read contents of host-provided buffers
        int writer = -1;        // last step that wrote it
        long writtenHash;       // its contents right after that step
        boolean writtenByKernel;

        Info(int id, float[] array) {
            this.id = id;
            this.array = array;
        }
    }

    public PlanRecorder(Backend delegate) {
        this.delegate = delegate;
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (p, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) return m.invoke(this, args);
                    if (m.getName().equals("name") && m.getParameterCount() == 0) return "plan-recorder(" + delegate.name() + ")";
                    return call(m, args);
                });
    }

    /** The backend to hand to the model while recording. */
    public Backend backend() { return proxy; }

    /** Declares a per-execution input (uploaded every run). Call before the model first uses it. */
    public PlanRecorder input(String name, float[] array) {
        declared.put(array, name);
        return this;
    }

    /**
     * Lets weights be named by their state-dict key: a host array a kernel reads first whose contents equal
     * a floating-point tensor of {@code stateDict} becomes WEIGHT {@code key}. Matching is by contents, so
     * it works however the model copied the tensor, and costs one pass over the state dict here.
     */
    public PlanRecorder weights(Map<String, RawTensor> stateDict) {
        for (var e : stateDict.entrySet()) {
            RawTensor t = e.getValue();
            if (!t.dtype().isFloat()) continue;
            float[] v = t.toFloats();
            weightIndex.computeIfAbsent(hash(v), h -> new ArrayList<>()).add(e.getKey());
            weightSource.put(e.getKey(), t);
        }
        return this;
    }

    private Object call(Method m, Object[] args) throws Throwable {
        if (finished) throw new IllegalStateException("plan already finished");
        Object[] a = args == null ? new Object[0] : args;
        Class<?>[] types = m.getParameterTypes();
        int lastArray = -1;
        for (int i = 0; i < types.length; i++) if (types[i] == float[].class) lastArray = i;
        if (m.getReturnType() != void.class) {
            problems.add("Backend." + m.getName() + " returns a value to the host (step " + steps.size() + ")");
        }
        int step = steps.size();
        List<Arg> recorded = new ArrayList<>(a.length);
        for (int i = 0; i < a.length; i++) {
            if (types[i] == float[].class) {
                float[] arr = (float[]) a[i];
                if (arr == null) {
                    recorded.add(new Arg.None());
                } else {
                    recorded.add(new Arg.Buf(i == lastArray ? written(arr, m, step) : read(arr, m, step).id));
                }
            } else if (types[i].isPrimitive()) {
                recorded.add(new Arg.Scalar(a[i]));
            } else {
                problems.add("Backend." + m.getName() + " takes a " + types[i].getSimpleName()
                        + " argument the plan cannot hold (step " + step + ")");
                recorded.add(new Arg.Scalar(a[i]));
            }
        }
        // An in-place call reads its output first: classify it before the write below.
        steps.add(new Step(m, List.copyOf(recorded)));
        Object result;
        try {
            result = m.invoke(delegate, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (lastArray >= 0 && a[lastArray] != null) {
            Info out = infos.get((float[]) a[lastArray]);
            out.writer = step;
            out.writtenHash = hash(out.array);
            out.writtenByKernel = true;
        }
        return result;
    }

    private Info info(float[] arr) {
        return infos.computeIfAbsent(arr, x -> {
            Info in = new Info(order.size(), x);
            order.add(in);
            return in;
        });
    }

    /** A kernel reads arr: host-provided on first sight; if a kernel wrote it, it must be unchanged since. */
    private Info read(float[] arr, Method m, int step) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) classifyHostBuffer(in);
        else checkUnchanged(in, m, step);
        return in;
    }

    private int written(float[] arr, Method m, int step) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) {
            String declaredName = declared.get(arr);
            in.role = declaredName != null ? Role.INPUT : Role.ACTIVATION;
            in.name = declaredName != null ? declaredName : "t" + step + "." + m.getName();
        } else {
            checkUnchanged(in, m, step);
        }
        return in.id;
    }

    private void checkUnchanged(Info in, Method m, int step) {
        if (in.writer >= 0 && hash(in.array) != in.writtenHash) {
            problems.add("host code changed " + in.name + " (written by step " + in.writer + ") before step "
                    + step + " (" + m.getName() + ") used it");
            in.writtenHash = hash(in.array); // report each change once
        }
    }

    private void classifyHostBuffer(Info in) {
        String declaredName = declared.get(in.array);
        if (declaredName != null) {
            in.role = Role.INPUT;
            in.name = declaredName;
            return;
        }
        in.host = in.array.clone();
        String key = matchWeight(in.array);
        if (key != null) {
            in.role = Role.WEIGHT;
            in.name = uniqueName(key);
        } else {
            in.role = Role.CONSTANT;
            in.name = "const" + in.id;
        }
    }

    private String matchWeight(float[] arr) {
        List<String> keys = weightIndex.get(hash(arr));
        if (keys == null) return null;
        for (String k : keys) if (Arrays.equals(weightSource.get(k).toFloats(), arr)) return k;
        return null;
    }

    private String uniqueName(String base) {
        String name = base;
        for (int n = 2; nameTaken(name); n++) name = base + "#" + n;
        return name;
    }

    private boolean nameTaken(String name) {
        for (Info o : order) if (name.equals(o.name)) return true;
        return false;
    }

    /**
     * Ends the recording. {@code outputs} name the arrays the caller reads back (the model's results);
     * each must have been written by a recorded kernel and left unchanged by host code since.
     */
    public Plan finish(Map<String, float[]> outputs) {
        finished = true;
        declared.forEach((arr, name) -> {
            if (!infos.containsKey(arr)) {
                problems.add("input " + name + " never reached a kernel (host code copied or transformed it first)");
            }
        });
        for (var e : outputs.entrySet()) {
            Info in = infos.get(e.getValue());
            if (in == null || !in.writtenByKernel) {
                problems.add("output " + e.getKey() + " is not written by any recorded kernel (host code produced it)");
                continue;
            }
            if (hash(in.array) != in.writtenHash) {
                problems.add("host code changed output " + e.getKey() + " after step " + in.writer + " wrote it");
            }
            in.role = Role.OUTPUT;
            in.name = e.getKey();
        }
        List<Buffer> buffers = new ArrayList<>(order.size());
        for (Info in : order) {
            boolean hostProvided = in.role == Role.WEIGHT || in.role == Role.CONSTANT;
            buffers.add(new Buffer(in.id, in.name, in.array.length, in.role, hostProvided ? in.host : null,
                    hostProvided && in.writtenByKernel));
        }
        return new Plan(buffers, steps, problems);
    }

    static long hash(float[] v) {
        long h = 1469598103934665603L ^ v.length;
        for (float f : v) h = (h ^ Float.floatToRawIntBits(f)) * 1099511628211L;
        return h;
    }
}
