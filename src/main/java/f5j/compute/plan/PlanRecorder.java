package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.plan.Plan.Access;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Plan} by running a model once through {@link #backend()}: a {@link Backend} that executes
 * every call on a delegate (so host code between calls sees real values) and records it, mapping each
 * array's identity to a named buffer.
 *
 * <p>Which arrays a call reads and writes comes from {@link Plan#access}; the recorder verifies it by
 * hashing every array argument before and after the call. Buffer roles come from what happened first to
 * each array: a declared {@link #input} (matched by identity, or by contents when the model copied it
 * unchanged) → INPUT; read first and equal to a state-dict tensor → WEIGHT named by its key; read first
 * otherwise → CONSTANT; written first by a kernel → ACTIVATION (OUTPUT if handed to {@link #finish}).
 *
 * <p>The recorder also checks the recording is a closed kernel program: a kernel-written buffer whose
 * contents changed before a kernel used it again (host code wrote into it), an input that never reached a
 * kernel, or an output not produced by a kernel is reported in {@link Plan#problems()}. Host code that
 * builds a new array from kernel results is caught by comparing two recordings ({@link Plan#checkSameShape}).
 */
public final class PlanRecorder {
    private final Backend delegate;
    private final Backend proxy;
    private final Map<Object, Info> infos = new IdentityHashMap<>();
    private final List<Info> order = new ArrayList<>();
    private final Map<String, Object> declared = new LinkedHashMap<>();
    private final Map<Long, List<String>> weightIndex = new HashMap<>();
    private final Map<String, RawTensor> weightSource = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean finished;

    private static final class Info {
        final int id;
        final Object array;
        String name;
        Role role;
        Object host;            // host-provided buffers: the array itself, or a copy once a kernel overwrites it
        long hostHash;          // its contents when a kernel first read it
        boolean hostCopied;
        int writer = -1;        // last step that wrote it
        long writtenHash;       // its contents right after that step
        boolean writtenByKernel;

        Info(int id, Object array) {
            this.id = id;
            this.array = array;
        }
    }

    public PlanRecorder(Backend delegate) {
        this.delegate = delegate;
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (p, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return switch (m.getName()) {
                            case "hashCode" -> System.identityHashCode(p);
                            case "equals" -> p == args[0];
                            default -> "plan-recorder(" + delegate.name() + ")";
                        };
                    }
                    if (m.getName().equals("name") && m.getParameterCount() == 0) return "plan-recorder(" + delegate.name() + ")";
                    return call(m, args);
                });
    }

    /** The backend to hand to the model while recording. */
    public Backend backend() { return proxy; }

    /** Declares a per-execution input (uploaded every run). Call before the model first uses it. */
    public PlanRecorder input(String name, Object array) {
        declared.put(name, array);
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
            weightIndex.computeIfAbsent(hash(t.toFloats()), h -> new ArrayList<>()).add(e.getKey());
            weightSource.put(e.getKey(), t);
        }
        return this;
    }

    private Object call(Method m, Object[] args) throws Throwable {
        if (finished) throw new IllegalStateException("plan already finished");
        Object[] a = args == null ? new Object[0] : args;
        Access[] acc = Plan.access(m);
        int step = steps.size();
        if (m.getReturnType() != void.class) {
            problems.add("Backend." + m.getName() + " returns a value to the host (step " + step + ")");
        }
        List<Arg> recorded = new ArrayList<>(a.length);
        long[] before = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            if (acc[i] == null) {
                if (!m.getParameterTypes()[i].isPrimitive()) {
                    problems.add("Backend." + m.getName() + " takes a " + m.getParameterTypes()[i].getSimpleName()
                            + " the plan cannot hold (step " + step + ")");
                }
                recorded.add(new Arg.Scalar(a[i]));
            } else if (a[i] == null) {
                recorded.add(new Arg.None());
            } else {
                Info in = acc[i] == Access.WRITE ? written(a[i], m, step, i) : read(a[i], m, step);
                recorded.add(new Arg.Buf(in.id));
                before[i] = hash(a[i]);
            }
        }
        steps.add(new Step(m, List.copyOf(recorded)));
        for (int i = 0; i < a.length; i++) {
            if (acc[i] != null && acc[i] != Access.READ && a[i] != null) keepFirstContents(infos.get(a[i]), step);
        }
        Object result;
        try {
            result = m.invoke(delegate, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        for (int i = 0; i < a.length; i++) {
            if (acc[i] == null || a[i] == null) continue;
            Info in = infos.get(a[i]);
            long after = hash(a[i]);
            if (acc[i] != Access.READ) {
                in.writer = step;
                in.writtenHash = after;
                in.writtenByKernel = true;
            } else if (after != before[i] && !writtenElsewhere(a, acc, i)) {
                problems.add("Backend." + m.getName() + " changed its parameter " + i + " (" + in.name
                        + "), which Plan.access lists as read-only: add the method to Plan's access table");
            }
        }
        return result;
    }

    /** Whether the same array is also passed as a written parameter of this call (in place). */
    private static boolean writtenElsewhere(Object[] a, Access[] acc, int i) {
        for (int j = 0; j < a.length; j++) if (j != i && a[j] == a[i] && acc[j] != null && acc[j] != Access.READ) return true;
        return false;
    }

    private Info info(Object arr) {
        return infos.computeIfAbsent(arr, x -> {
            Info in = new Info(order.size(), x);
            order.add(in);
            return in;
        });
    }

    /** A kernel reads arr: host-provided on first sight; if a kernel wrote it, it must be unchanged since. */
    private Info read(Object arr, Method m, int step) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) classifyHostBuffer(in);
        else checkUnchanged(in, m, step);
        return in;
    }

    private Info written(Object arr, Method m, int step, int param) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) {
            in.role = Role.ACTIVATION;
            in.name = "t" + step + "." + m.getName() + "." + param;
        } else {
            checkUnchanged(in, m, step);
        }
        return in;
    }

    private void checkUnchanged(Info in, Method m, int step) {
        if (in.writer >= 0 && hash(in.array) != in.writtenHash) {
            problems.add("host code changed " + in.name + " (written by step " + in.writer + ") before step "
                    + step + " (" + m.getName() + ") used it");
            in.writtenHash = hash(in.array); // report each change once
        }
    }

    private void classifyHostBuffer(Info in) {
        String input = matchInput(in.array);
        if (input != null) {
            in.role = Role.INPUT;
            in.name = input;
            return;
        }
        in.host = in.array; // no copy (weights are large): finish() checks it still holds these contents
        in.hostHash = hash(in.array);
        String key = in.array instanceof float[] f ? matchWeight(f) : null;
        if (key != null) {
            in.role = Role.WEIGHT;
            in.name = uniqueName(key);
        } else {
            in.role = Role.CONSTANT;
            in.name = "const" + in.id;
        }
    }

    /** A declared input by identity, else one not yet seen with the same type and contents (a copy). */
    /** A host-provided buffer a kernel is about to overwrite: keep the contents every run starts from. */
    private void keepFirstContents(Info in, int step) {
        if (in.host == null || in.hostCopied) return;
        if (hash(in.array) != in.hostHash) {
            problems.add("host code changed " + in.name + " after a kernel read it, before step " + step);
        }
        in.host = copy(in.array);
        in.hostCopied = true;
    }

    private String matchInput(Object arr) {
        for (var e : declared.entrySet()) if (e.getValue() == arr) return e.getKey();
        for (var e : declared.entrySet()) {
            Object d = e.getValue();
            if (!infos.containsKey(d) && !nameTaken(e.getKey()) && d.getClass() == arr.getClass()
                    && Arrays.deepEquals(new Object[] {d}, new Object[] {arr})) {
                return e.getKey();
            }
        }
        return null;
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
        declared.forEach((name, arr) -> {
            if (!nameTaken(name)) problems.add("input " + name + " never reached a kernel (host code transformed it first)");
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
        for (Info in : order) {
            if (in.host != null && !in.hostCopied && hash(in.array) != in.hostHash) {
                problems.add("host code changed " + in.name + " after a kernel read it (the plan needs those contents)");
            }
        }
        List<Buffer> buffers = new ArrayList<>(order.size());
        for (Info in : order) {
            boolean hostProvided = in.role == Role.WEIGHT || in.role == Role.CONSTANT;
            buffers.add(new Buffer(in.id, in.name, in.array.getClass(), java.lang.reflect.Array.getLength(in.array),
                    in.role, hostProvided ? in.host : null, hostProvided && in.writtenByKernel));
        }
        return new Plan(buffers, steps, problems);
    }

    private static Object copy(Object arr) {
        return arr instanceof float[] f ? f.clone() : ((int[]) arr).clone();
    }

    static long hash(Object arr) {
        long h = 1469598103934665603L;
        if (arr instanceof float[] v) {
            h ^= v.length;
            for (float f : v) h = (h ^ Float.floatToRawIntBits(f)) * 1099511628211L;
        } else {
            int[] v = (int[]) arr;
            h ^= ~v.length;
            for (int x : v) h = (h ^ x) * 1099511628211L;
        }
        return h;
    }
}
