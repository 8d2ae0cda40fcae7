package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.Ops.Access;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.Plan.Role;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Plan} by running a model once through {@link #backend()}: a {@link Backend} that executes
 * every operation on a delegate (so host code between calls sees real values) and records it, mapping each
 * array's identity to a named buffer.
 *
 * <p>Which arrays an op reads and writes is what its record declares ({@link Op.Out}, {@link Op.InOut});
 * the recorder verifies it by hashing every array component before and after the call. Buffer roles come from what happened first to
 * each array: a declared {@link #input} (matched by identity, or by contents when the model copied it
 * unchanged) → INPUT; read first and one of the model's {@link #parameters} → WEIGHT named by its key; read first
 * otherwise → CONSTANT; written first by a kernel → ACTIVATION (OUTPUT if handed to {@link #finish}).
 *
 * <p>The recorder also checks the recording is a closed kernel program: a kernel-written buffer whose
 * contents changed before a kernel used it again (host code wrote into it), an input that never reached a
 * kernel, or an output not produced by a kernel is reported in {@link Plan#problems()}. Host code that
 * builds a new array from kernel results is caught by comparing two recordings ({@link Plan#checkSameShape}).
 */
public final class PlanRecorder {
    private final Backend delegate;
    private final Backend recording;
    private final Map<Object, Info> infos = new IdentityHashMap<>();
    private final List<Info> order = new ArrayList<>();
    private final Map<String, Object> declared = new LinkedHashMap<>();
    private final List<Op> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean finished;

    private static final class Info {
        final int id;
        final Object array;
        final Object handle;    // what the plan's steps hold for it
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
            this.handle = Plan.handle(array.getClass());
        }
    }

    public PlanRecorder(Backend delegate) {
        this.delegate = delegate;
        this.recording = new Backend() {
            @Override public String name() { return "plan-recorder(" + delegate.name() + ")"; }

            @Override public void execute(Op op) { call(op); }
        };
    }

    /** The backend to hand to the model while recording. */
    public Backend backend() { return recording; }

    /** Declares a per-execution input (uploaded every run). Call before the model first uses it. */
    public PlanRecorder input(String name, Object array) {
        declared.put(name, array);
        return this;
    }

    /**
     * Runs {@code body} with the model's operations executed on the delegate but not recorded: per-sample
     * work done once on the host (the text embedding), whose results the recorded steps then read as
     * declared {@link #input}s or constants.
     */
    public <T> T unrecorded(java.util.function.Supplier<T> body) {
        if (paused) return body.get();
        paused = true;
        try {
            return body.get();
        } finally {
            paused = false;
        }
    }

    private boolean paused;

    private final Map<Object, String> parameters = new IdentityHashMap<>();

    /**
     * Names weights by identity: a host array a kernel reads first that is a key of {@code arrays} (the
     * model's own parameter arrays, e.g. {@code DiT.parameters()}) becomes WEIGHT with that name.
     */
    public PlanRecorder parameters(Map<?, String> arrays) {
        parameters.putAll(arrays);
        return this;
    }

    private void call(Op op) {
        if (finished) throw new IllegalStateException("plan already finished");
        if (paused) {
            delegate.execute(op);
            return;
        }
        Object[] a = Ops.values(op);
        Access[] acc = Ops.access(op.getClass());
        String name = Ops.name(op);
        int step = steps.size();
        Object[] handles = a.clone();
        long[] before = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            if (acc[i] == null || a[i] == null) continue;
            Info in = acc[i] == Access.WRITE ? written(a[i], name, step, i) : read(a[i], name, step);
            handles[i] = in.handle;
            before[i] = hash(a[i]);
        }
        steps.add(Ops.of(op.getClass(), handles));
        for (int i = 0; i < a.length; i++) {
            if (acc[i] != null && acc[i] != Access.READ && a[i] != null) keepFirstContents(infos.get(a[i]), step);
        }
        delegate.execute(op);
        String[] names = Ops.componentNames(op.getClass());
        for (int i = 0; i < a.length; i++) {
            if (acc[i] == null || a[i] == null) continue;
            Info in = infos.get(a[i]);
            long after = hash(a[i]);
            if (acc[i] != Access.READ) {
                in.writer = step;
                in.writtenHash = after;
                in.writtenByKernel = true;
            } else if (after != before[i] && !writtenElsewhere(a, acc, i)) {
                problems.add("Backend." + name + " changed " + names[i] + " (" + in.name + "), which Op."
                        + op.getClass().getSimpleName() + " declares read-only: mark it @Out or @InOut");
            }
        }
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
    private Info read(Object arr, String op, int step) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) classifyHostBuffer(in);
        else checkUnchanged(in, op, step);
        return in;
    }

    private Info written(Object arr, String op, int step, int param) {
        boolean fresh = !infos.containsKey(arr);
        Info in = info(arr);
        if (fresh) {
            in.role = Role.ACTIVATION;
            in.name = "t" + step + "." + op + "." + param;
        } else {
            checkUnchanged(in, op, step);
        }
        return in;
    }

    private void checkUnchanged(Info in, String op, int step) {
        if (in.writer >= 0 && hash(in.array) != in.writtenHash) {
            problems.add("host code changed " + in.name + " (written by step " + in.writer + ") before step "
                    + step + " (" + op + ") used it");
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
        String key = parameters.get(in.array);
        if (key != null) {
            in.role = Role.WEIGHT;
            in.name = uniqueName(key);
        } else {
            in.role = Role.CONSTANT;
            in.name = "const" + in.id;
        }
    }

    /** A host-provided buffer a kernel is about to overwrite: keep the contents every run starts from. */
    private void keepFirstContents(Info in, int step) {
        if (in.host == null || in.hostCopied) return;
        if (hash(in.array) != in.hostHash) {
            problems.add("host code changed " + in.name + " after a kernel read it, before step " + step);
        }
        in.host = copy(in.array);
        in.hostCopied = true;
    }

    /** A declared input by identity, else one not yet seen with the same type and contents (a copy). */
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
        List<Object> handles = new ArrayList<>(order.size());
        for (Info in : order) {
            handles.add(in.handle);
            boolean hostProvided = in.role == Role.WEIGHT || in.role == Role.CONSTANT;
            buffers.add(new Buffer(in.id, in.name, in.array.getClass(), java.lang.reflect.Array.getLength(in.array),
                    in.role, hostProvided ? in.host : null, hostProvided && in.writtenByKernel));
        }
        return new Plan(buffers, handles, steps, problems);
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
