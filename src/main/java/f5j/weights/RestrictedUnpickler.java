package f5j.weights;

import f5j.tensor.DType;
import f5j.util.F5jException;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unpickles a checkpoint's data.pkl allowing only what a state dict needs: torch's tensor/parameter
 * rebuild functions, the typed storage classes (as persistent ids), {@code collections.OrderedDict} and
 * plain containers. Every class lookup (GLOBAL, STACK_GLOBAL, INST) goes through {@link #resolve}; anything
 * else is refused before it could be constructed, so nothing named by the file is ever executed.
 */
final class RestrictedUnpickler extends Unpickler {
    /** A {@code torch.XStorage} class: only ever an argument of a persistent id. */
    record StorageType(String name, DType dtype) {}

    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private final TorchCheckpoint owner;

    RestrictedUnpickler(TorchCheckpoint owner) { this.owner = owner; }

    Object read(byte[] pickle) {
        try {
            return load(new ByteArrayInputStream(pickle));
        } catch (F5jException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Wrong types where the torch layout has fixed ones, a truncated stream, an unknown opcode, ...
            throw new F5jException(owner.path() + ": malformed data.pkl (" + e + ")");
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop(), module = stack.pop();
                stack.add(resolve(String.valueOf(module), String.valueOf(name)));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
                throw refused(module, name);
            }
            // Dicts keep insertion order, as in Python (the library's own SETITEMS goes through a HashMap).
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.SETITEMS -> {
                List<Object> kv = stack.pop_all_since_marker();
                @SuppressWarnings("unchecked") Map<Object, Object> target = (Map<Object, Object>) stack.peek();
                for (int i = 0; i + 1 < kv.size(); i += 2) target.put(kv.get(i), kv.get(i + 1));
            }
            case Opcodes.BUILD -> {
                // torch.save sets an OrderedDict's `_metadata` attribute (module versions) this way; attributes
                // carry no weights, so the state is dropped. Anything else being BUILT is not a state dict.
                Object state = stack.pop(), target = stack.peek();
                if (!(target instanceof Map<?, ?> || target instanceof TorchCheckpoint.TensorRef)) {
                    throw new F5jException(owner.path() + ": data.pkl sets state " + show(state) + " on a "
                            + TorchCheckpoint.describe(target) + " (refused; nothing is executed)");
                }
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
                    throw new F5jException(owner.path() + ": data.pkl uses the extension registry (EXT opcodes; refused; nothing is executed)");
            default -> { return super.dispatch(key); }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) { return owner.storage(pid); }

    private Object resolve(String module, String name) {
        String full = module + "." + name;
        if (module.equals("torch") && STORAGES.containsKey(name)) return new StorageType(name, STORAGES.get(name));
        return switch (full) {
            case "collections.OrderedDict" -> (IObjectConstructor) RestrictedUnpickler::orderedDict;
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> (IObjectConstructor) this::rebuildParameter;
            default -> throw refused(module, name);
        };
    }

    private F5jException refused(String module, String name) {
        return new F5jException(owner.path() + ": data.pkl references unknown class " + module + "." + name
                + " (refused; nothing is executed)");
    }

    /** OrderedDict() or OrderedDict([(k, v), ...]). */
    private static Object orderedDict(Object[] args) {
        Map<Object, Object> m = new LinkedHashMap<>();
        if (args.length > 0 && args[0] instanceof List<?> pairs) {
            for (Object p : pairs) {
                Object[] kv = p instanceof Object[] a ? a : ((List<?>) p).toArray();
                m.put(kv[0], kv[1]);
            }
        }
        return m;
    }

    /** _rebuild_tensor(storage, offset, size, stride) and _v2(..., requires_grad, backward_hooks[, metadata]). */
    private Object rebuildTensor(Object[] a) {
        if (a.length < 4 || !(a[0] instanceof TorchCheckpoint.Storage s) || !(a[1] instanceof Number off)) {
            throw new F5jException(owner.path() + ": data.pkl rebuilds a tensor from unexpected arguments " + show(a));
        }
        long[] shape = longs(a[2]), stride = longs(a[3]);
        if (shape.length != stride.length) {
            throw new F5jException(owner.path() + ": data.pkl has a tensor with shape " + Arrays.toString(shape)
                    + " but stride " + Arrays.toString(stride));
        }
        return new TorchCheckpoint.TensorRef(s, off.longValue(), shape, stride);
    }

    /** _rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter is its tensor here. */
    private Object rebuildParameter(Object[] a) {
        if (a.length < 1 || !(a[0] instanceof TorchCheckpoint.TensorRef t)) {
            throw new F5jException(owner.path() + ": data.pkl rebuilds a parameter from unexpected arguments " + show(a));
        }
        return t;
    }

    private long[] longs(Object o) {
        Object[] t = o instanceof Object[] x ? x : o instanceof List<?> l ? l.toArray() : null;
        if (t == null) throw new F5jException(owner.path() + ": data.pkl has a tensor size/stride that is not a tuple: " + show(o));
        long[] r = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] instanceof Number n)) throw new F5jException(owner.path() + ": data.pkl has a non-integer tensor size/stride " + show(o));
            r[i] = n.longValue();
        }
        return r;
    }

    static String show(Object o) {
        String s = o instanceof Object[] a ? Arrays.deepToString(a) : String.valueOf(o);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
