package f5j.compute.plan;

import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.Ops.Access;

import java.util.IdentityHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend-neutral execution plan: an ordered list of {@link Op}s over named buffers. A step's array
 * components are not data but its buffers' handles (an empty array per buffer, {@link #buffer(Object)}),
 * which an executor swaps for its own arrays ({@link Ops#map}). Every buffer has a role that tells a device backend when it must cross the bus:
 * <ul>
 *   <li>{@link Role#WEIGHT}: model parameters, named by their state-dict key; uploaded once.</li>
 *   <li>{@link Role#CONSTANT}: other host data the model computed before the first kernel read it
 *       (position tables, masks, ...); uploaded once. {@link #checkSameShape} against a second recording
 *       with other inputs proves they really are constant.</li>
 *   <li>{@link Role#INPUT}: declared per-execution inputs (e.g. the ODE state and time); uploaded every
 *       execution.</li>
 *   <li>{@link Role#ACTIVATION}: written by kernels; allocated once and kept resident on the device.</li>
 *   <li>{@link Role#OUTPUT}: written by kernels and read back after every execution.</li>
 * </ul>
 * A plan is only valid when {@link #problems()} is empty: host code that changed a kernel-written buffer
 * or read a value back in the middle of the recording cannot be replayed from the plan.
 */
public final class Plan {
    public enum Role { WEIGHT, CONSTANT, INPUT, ACTIVATION, OUTPUT }

    /**
     * One device buffer of {@code type} float[] or int[]. {@code host} holds the contents of WEIGHT and
     * CONSTANT buffers (null for the others). {@code resetEachRun}: its initial contents must be uploaded
     * before every execution although it is not an INPUT: a host-provided buffer that kernels later
     * overwrite (contents from {@code host}), or an OUTPUT a single call updates in place (contents passed
     * to the run under the buffer's name, see {@link #ofCall}).
     */
    public record Buffer(int id, String name, Class<?> type, int length, Role role, Object host, boolean resetEachRun) {
        public boolean uploadedOnce() { return (role == Role.WEIGHT || role == Role.CONSTANT) && !resetEachRun; }

        public boolean uploadedEveryRun() { return role == Role.INPUT || resetEachRun; }

        /** Whether each run takes its contents from the caller's inputs (else from {@link #host}). */
        public boolean fromRunInputs() { return role == Role.INPUT || (resetEachRun && host == null); }

        public boolean isInt() { return type == int[].class; }
    }

    private final List<Buffer> buffers;
    private final List<Op> steps;
    private final List<String> problems;
    private final Map<String, Buffer> byName = new LinkedHashMap<>();
    private final Map<Object, Buffer> byHandle = new IdentityHashMap<>();

    /** handles: buffer id to the handle the steps use for it. */
    Plan(List<Buffer> buffers, List<Object> handles, List<Op> steps, List<String> problems) {
        this.buffers = List.copyOf(buffers);
        this.steps = List.copyOf(steps);
        this.problems = List.copyOf(problems);
        for (Buffer b : buffers) {
            if (byName.put(b.name(), b) != null) throw new IllegalStateException("duplicate buffer name " + b.name());
            byHandle.put(handles.get(b.id()), b);
        }
    }

    /** A fresh handle for a buffer of this array type. */
    static Object handle(Class<?> type) { return type == int[].class ? new int[0] : new float[0]; }

    /**
     * The one-step plan of a single operation: every array it only reads is an INPUT, every array it writes
     * an OUTPUT (uploaded first when the op updates it in place), each named by its record component.
     * Arrays passed twice become separate buffers, which is equivalent for the elementwise ops that are
     * called with their output aliasing an input.
     */
    public static Plan ofCall(Op op) {
        String[] names = Ops.componentNames(op.getClass());
        Access[] acc = Ops.access(op.getClass());
        Object[] values = Ops.values(op);
        List<Buffer> buffers = new ArrayList<>();
        List<Object> handles = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (acc[i] == null || values[i] == null) continue;
            Role role = acc[i] == Access.READ ? Role.INPUT : Role.OUTPUT;
            buffers.add(new Buffer(buffers.size(), names[i], values[i].getClass(), java.lang.reflect.Array.getLength(values[i]),
                    role, null, acc[i] == Access.READ_WRITE));
            handles.add(values[i] = handle(values[i].getClass()));
        }
        return new Plan(buffers, handles, List.of(Ops.of(op.getClass(), values)), List.of());
    }

    public List<Buffer> buffers() { return buffers; }

    public List<Op> steps() { return steps; }

    /** Why this recording cannot be replayed faithfully; empty for a valid plan. */
    public List<String> problems() { return problems; }

    public Buffer buffer(int id) { return buffers.get(id); }

    /** The buffer a step's array component stands for. */
    public Buffer buffer(Object handle) {
        Buffer b = byHandle.get(handle);
        if (b == null) throw new IllegalArgumentException("not a buffer handle of this plan");
        return b;
    }

    /** The buffer ids of a step's array components, in order (-1 for an absent array, scalars skipped). */
    public int[] bufferIds(Op step) {
        Access[] acc = Ops.access(step.getClass());
        Object[] v = Ops.values(step);
        int n = 0;
        for (Access a : acc) if (a != null) n++;
        int[] ids = new int[n];
        for (int i = 0, j = 0; i < v.length; i++) {
            if (acc[i] != null) ids[j++] = v[i] == null ? -1 : buffer(v[i]).id();
        }
        return ids;
    }

    public Buffer buffer(String name) {
        Buffer b = byName.get(name);
        if (b == null) throw new IllegalArgumentException("plan has no buffer " + name);
        return b;
    }

    public List<Buffer> withRole(Role role) {
        return buffers.stream().filter(b -> b.role() == role).toList();
    }

    /** Throws when the plan is not replayable (see {@link #problems()}). */
    public Plan requireValid() {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the recorded forward is not a closed kernel plan:\n  "
                    + String.join("\n  ", problems));
        }
        return this;
    }

    /**
     * Differences to another recording of the same model with other inputs: the step sequence, sizes and
     * buffer wiring must be identical, and every CONSTANT must have the same contents (otherwise it was
     * computed on the host from the inputs and the plan would replay stale data).
     */
    public List<String> checkSameShape(Plan other) {
        List<String> diffs = new ArrayList<>();
        if (steps.size() != other.steps.size()) {
            diffs.add("step count " + steps.size() + " vs " + other.steps.size());
            return diffs;
        }
        for (int s = 0; s < steps.size(); s++) {
            Op a = steps.get(s), b = other.steps.get(s);
            if (a.getClass() != b.getClass() || !Arrays.equals(bufferIds(a), other.bufferIds(b))
                    || !Arrays.equals(scalars(a), scalars(b))) {
                diffs.add("step " + s + " differs: " + describe(a) + " vs " + other.describe(b));
            }
        }
        if (buffers.size() != other.buffers.size()) diffs.add("buffer count " + buffers.size() + " vs " + other.buffers.size());
        for (int i = 0; i < Math.min(buffers.size(), other.buffers.size()); i++) {
            Buffer a = buffers.get(i), b = other.buffers.get(i);
            if (!a.name().equals(b.name()) || a.role() != b.role() || a.length() != b.length()) {
                diffs.add("buffer " + i + ": " + a.name() + "/" + a.role() + " vs " + b.name() + "/" + b.role());
            } else if (a.role() == Role.CONSTANT && !Arrays.deepEquals(new Object[] {a.host()}, new Object[] {b.host()})) {
                diffs.add("constant " + a.name() + " (first read by a kernel as " + a.name()
                        + ") depends on the inputs: it is computed on the host, not by a kernel");
            }
        }
        return diffs;
    }

    private static Object[] scalars(Op op) {
        Access[] acc = Ops.access(op.getClass());
        Object[] v = Ops.values(op);
        for (int i = 0; i < v.length; i++) if (acc[i] != null) v[i] = null;
        return v;
    }

    public String describe(Op s) {
        Access[] acc = Ops.access(s.getClass());
        Object[] v = Ops.values(s);
        StringBuilder sb = new StringBuilder(Ops.name(s)).append('(');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(acc[i] == null ? v[i] : v[i] == null ? "null" : buffer(v[i]).name());
        }
        return sb.append(')').toString();
    }

    /** Counts and sizes per role, then one line per step. */
    public String summary(boolean withSteps) {
        Map<Role, long[]> per = new EnumMap<>(Role.class);
        for (Buffer b : buffers) {
            long[] c = per.computeIfAbsent(b.role(), r -> new long[2]);
            c[0]++;
            c[1] += 4L * b.length(); // float32 and int32 alike
        }
        StringBuilder sb = new StringBuilder();
        sb.append(steps.size()).append(" kernel calls, ").append(buffers.size()).append(" buffers\n");
        per.forEach((r, c) -> sb.append(String.format("  %-10s %5d buffers %12d bytes%n", r, c[0], c[1])));
        if (withSteps) for (int s = 0; s < steps.size(); s++) sb.append(String.format("  %4d %s%n", s, describe(steps.get(s))));
        for (String p : problems) sb.append("  PROBLEM: ").append(p).append('\n');
        return sb.toString();
    }

    @Override
    public String toString() { return summary(false); }
}
