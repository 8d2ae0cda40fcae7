package f5j.compute.plan;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend-neutral execution plan: an ordered list of {@link f5j.compute.Backend} calls over named
 * buffers. Every buffer has a role that tells a device backend when it must cross the bus:
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

    /** How a Backend method uses an array parameter. */
    public enum Access { READ, WRITE, READ_WRITE }

    /**
     * Backend methods that do not follow the convention "the last float[] parameter is written, every other
     * array is only read": parameter index to access. {@link PlanRecorder} checks every recorded call
     * against this table (an array that changed but is not listed is reported), so a new op that breaks the
     * convention is caught the first time a plan records it.
     */
    private static final Map<String, Map<Integer, Access>> EXCEPTIONS = Map.of(
            "zeroRows", Map.of(0, Access.READ_WRITE),
            "gatedAdd", Map.of(0, Access.READ_WRITE),
            "rotary", Map.of(0, Access.READ_WRITE),
            "addCosSin", Map.of(0, Access.READ_WRITE),
            "grn", Map.of(6, Access.WRITE, 7, Access.WRITE),
            "angleTable", Map.of(3, Access.WRITE, 4, Access.WRITE),
            "polarSpectrum", Map.of(4, Access.WRITE, 5, Access.WRITE));

    /** Access of each parameter of a Backend method (null for scalars). */
    public static Access[] access(Method op) {
        Class<?>[] types = op.getParameterTypes();
        Access[] a = new Access[types.length];
        int lastFloat = -1;
        for (int i = 0; i < types.length; i++) {
            if (types[i].isArray()) a[i] = Access.READ;
            if (types[i] == float[].class) lastFloat = i;
        }
        Map<Integer, Access> ex = EXCEPTIONS.get(op.getName());
        if (ex != null) ex.forEach((i, acc) -> a[i] = acc);
        else if (lastFloat >= 0) a[lastFloat] = Access.WRITE;
        return a;
    }

    /** A call argument: a buffer, an absent (null) array, or a scalar passed by value. */
    public sealed interface Arg {
        record Buf(int id) implements Arg {}

        record None() implements Arg {}

        record Scalar(Object value) implements Arg {}
    }

    /** One Backend call. {@code op} is the Backend method; args follow its parameters one to one. */
    public record Step(Method op, List<Arg> args) {
        public String name() { return op.getName(); }

        /** The i-th argument as a buffer id (it must be one). */
        public int buf(int i) { return ((Arg.Buf) args.get(i)).id(); }

        public boolean isNone(int i) { return args.get(i) instanceof Arg.None; }

        public int i(int i) { return (Integer) ((Arg.Scalar) args.get(i)).value(); }

        public float f(int i) { return (Float) ((Arg.Scalar) args.get(i)).value(); }

        public boolean bool(int i) { return (Boolean) ((Arg.Scalar) args.get(i)).value(); }
    }

    private final List<Buffer> buffers;
    private final List<Step> steps;
    private final List<String> problems;
    private final Map<String, Buffer> byName = new LinkedHashMap<>();

    Plan(List<Buffer> buffers, List<Step> steps, List<String> problems) {
        this.buffers = List.copyOf(buffers);
        this.steps = List.copyOf(steps);
        this.problems = List.copyOf(problems);
        for (Buffer b : buffers) {
            if (byName.put(b.name(), b) != null) throw new IllegalStateException("duplicate buffer name " + b.name());
        }
    }

    /**
     * The one-step plan of a single Backend call: every array it only reads is an INPUT {@code a<param>},
     * every array it writes an OUTPUT {@code a<param>} (uploaded first when the call updates it in place).
     * Arrays passed twice become separate buffers, which is equivalent for the elementwise ops that are
     * called with their output aliasing an input.
     */
    public static Plan ofCall(Method op, Object[] args) {
        Class<?>[] types = op.getParameterTypes();
        Access[] acc = access(op);
        List<Buffer> buffers = new ArrayList<>();
        List<Arg> recorded = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (acc[i] == null) {
                recorded.add(new Arg.Scalar(args[i]));
            } else if (args[i] == null) {
                recorded.add(new Arg.None());
            } else {
                int len = java.lang.reflect.Array.getLength(args[i]);
                Role role = acc[i] == Access.READ ? Role.INPUT : Role.OUTPUT;
                buffers.add(new Buffer(buffers.size(), "a" + i, types[i], len, role, null, acc[i] == Access.READ_WRITE));
                recorded.add(new Arg.Buf(buffers.size() - 1));
            }
        }
        return new Plan(buffers, List.of(new Step(op, List.copyOf(recorded))), List.of());
    }

    public List<Buffer> buffers() { return buffers; }

    public List<Step> steps() { return steps; }

    /** Why this recording cannot be replayed faithfully; empty for a valid plan. */
    public List<String> problems() { return problems; }

    public Buffer buffer(int id) { return buffers.get(id); }

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
            Step a = steps.get(s), b = other.steps.get(s);
            if (!a.op().equals(b.op()) || !a.args().equals(b.args())) {
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

    public String describe(Step s) {
        StringBuilder sb = new StringBuilder(s.name()).append('(');
        for (int i = 0; i < s.args().size(); i++) {
            if (i > 0) sb.append(", ");
            switch (s.args().get(i)) {
                case Arg.Buf b -> sb.append(buffers.get(b.id()).name());
                case Arg.None n -> sb.append("null");
                case Arg.Scalar v -> sb.append(v.value());
            }
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
