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
    /*
     * Limits that keep a hostile data.pkl cheap. A trainer checkpoint's pickle (model, EMA and optimizer
     * state of a 336M-parameter model) has ~10^4 memo entries and a stack a few dozen deep, so these leave
     * two orders of magnitude of headroom while bounding memory by the limits, not by the file.
     */
    static final int MAX_STACK = 1 << 20, MAX_MEMO = 1 << 22;
    /** Python refuses int() of more than 4300 decimal digits for the same reason (quadratic parsing). */
    static final int MAX_INT_DIGITS = 4300;
    /** A {@code torch.XStorage} class: only ever an argument of a persistent id. */
    record StorageType(String name, DType dtype) {}

    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private final TorchCheckpoint owner;
    private byte[] pickle;

    RestrictedUnpickler(TorchCheckpoint owner) { this.owner = owner; }

    Object read(byte[] pickle) {
        this.pickle = pickle;
        try {
            return load(new ByteArrayInputStream(pickle));
        } catch (F5jException e) {
            throw e;
        } catch (StackOverflowError e) {
            // Nothing here recurses over the pickled structure; this is a last guard, not the defence.
            throw new F5jException(owner.path() + ": malformed data.pkl (nested too deeply)");
        } catch (IOException | RuntimeException e) {
            // Wrong types where the torch layout has fixed ones, a truncated stream, an unknown opcode, ...
            throw new F5jException(owner.path() + ": malformed data.pkl (" + e + ")");
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        checkLengths(key);
        Object r = dispatchChecked(key);
        if (stack.size() > MAX_STACK || memo.size() > MAX_MEMO) {
            throw new F5jException(owner.path() + ": data.pkl builds more than " + (stack.size() > MAX_STACK
                    ? MAX_STACK + " objects on the unpickler stack" : MAX_MEMO + " memo entries")
                    + " (a limit against hostile files; a torch checkpoint needs far fewer)");
        }
        return r;
    }

    /** Where the next unread byte of data.pkl is. */
    private int position() { return pickle.length - ((ByteArrayInputStream) input).available(); }

    /**
     * Length-prefixed opcodes: the claimed length must fit in the bytes that remain, so a 20-byte file
     * cannot make the unpickler allocate 2 GB. Text-line integers are bounded like Python's int().
     */
    private void checkLengths(short key) {
        int p = position();
        long len = switch (key) {
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> le(p, 4, key != Opcodes.BINSTRING && key != Opcodes.LONG4);
            case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> le(p, 8, true);
            default -> -2;
        };
        if (len == -2) {
            if (key == Opcodes.INT || key == Opcodes.LONG) {
                int nl = p;
                while (nl < pickle.length && pickle[nl] != '\n' && nl - p <= MAX_INT_DIGITS + 2) nl++;
                if (nl - p > MAX_INT_DIGITS + 2) {
                    throw new F5jException(owner.path() + ": malformed data.pkl (an integer of more than " + MAX_INT_DIGITS
                            + " digits at byte " + p + ")");
                }
            }
            return;
        }
        int width = key == Opcodes.BINBYTES8 || key == Opcodes.BINUNICODE8 || key == Opcodes.BYTEARRAY8 ? 8 : 4;
        long remaining = pickle.length - (long) p - width;
        if (len < 0 || len > remaining) {
            throw new F5jException(owner.path() + ": malformed data.pkl (an object at byte " + p + " claims "
                    + (len < 0 ? "a negative length" : len + " bytes") + " but only " + Math.max(0, remaining) + " remain)");
        }
    }

    /** A little-endian length at {@code p}; -1 when negative (signed) or beyond 2^62, or the file ends first. */
    private long le(int p, int width, boolean unsigned) {
        if (p + width > pickle.length) return -1;
        long v = 0;
        for (int i = width - 1; i >= 0; i--) v = v << 8 | (pickle[p + i] & 0xff);
        if (width == 4) v = unsigned ? v & 0xffffffffL : (int) v;
        return v < 0 || v > 1L << 62 ? -1 : v;
    }

    private Object dispatchChecked(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop(), module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new F5jException(owner.path() + ": malformed data.pkl (STACK_GLOBAL of " + show(module) + ", " + show(name) + ")");
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
                throw refused(module, name);
            }
            // Dicts keep insertion order, as in Python (the library's own SETITEMS goes through a HashMap).
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.SETITEMS -> {
                List<Object> kv = stack.pop_all_since_marker();
                Map<Object, Object> target = dictOnStack();
                for (int i = 0; i + 1 < kv.size(); i += 2) target.put(key(kv.get(i)), kv.get(i + 1));
            }
            case Opcodes.SETITEM -> {
                Object v = stack.pop(), k = stack.pop();
                dictOnStack().put(key(k), v);
            }
            case Opcodes.DICT -> {
                List<Object> kv = stack.pop_all_since_marker();
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
                stack.add(m);
            }
            // A state dict has no sets; refusing them avoids hashing attacker-shaped elements.
            case Opcodes.EMPTY_SET, Opcodes.ADDITEMS, Opcodes.FROZENSET ->
                    throw new F5jException(owner.path() + ": data.pkl builds a set (refused; a state dict holds none)");
            case Opcodes.NEXT_BUFFER, Opcodes.READONLY_BUFFER ->
                    throw new F5jException(owner.path() + ": data.pkl uses out-of-band buffers (refused; torch.save writes none)");
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
            case "collections.OrderedDict" -> (IObjectConstructor) this::orderedDict;
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> (IObjectConstructor) this::rebuildParameter;
            default -> throw refused(module, name);
        };
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnStack() {
        if (!(stack.peek() instanceof Map<?, ?> m)) {
            throw new F5jException(owner.path() + ": malformed data.pkl (SETITEM on a " + TorchCheckpoint.describe(stack.peek()) + ")");
        }
        return (Map<Object, Object>) m;
    }

    /**
     * A dict key as Python allows it: lists and dicts are unhashable there, and hashing one here would walk
     * an attacker-shaped (possibly exponential, as a DAG) structure. Tuples hash by identity in Java.
     */
    private Object key(Object k) {
        if (k instanceof java.util.Collection<?> || k instanceof Map<?, ?>) {
            throw new F5jException(owner.path() + ": malformed data.pkl (a " + TorchCheckpoint.describe(k)
                    + " used as a dict key; unhashable in Python too)");
        }
        return k;
    }

    private F5jException refused(String module, String name) {
        String full = module + "." + name;
        return new F5jException(owner.path() + ": data.pkl references unknown class "
                + (full.length() > 120 ? full.substring(0, 117) + "..." : full) + " (refused; nothing is executed)");
    }

    /** OrderedDict() or OrderedDict([(k, v), ...]). */
    private Object orderedDict(Object[] args) {
        Map<Object, Object> m = new LinkedHashMap<>();
        if (args.length > 0 && args[0] instanceof List<?> pairs) {
            for (Object p : pairs) {
                Object[] kv = p instanceof Object[] a ? a : p instanceof List<?> l ? l.toArray() : null;
                if (kv == null || kv.length != 2) {
                    throw new F5jException(owner.path() + ": malformed data.pkl (OrderedDict item " + show(p) + " is not a pair)");
                }
                m.put(key(kv[0]), kv[1]);
            }
        }
        return m;
    }

    /** _rebuild_tensor(storage, offset, size, stride) and _v2(..., requires_grad, backward_hooks[, metadata]). */
    private Object rebuildTensor(Object[] a) {
        if (a.length < 4 || !(a[0] instanceof TorchCheckpoint.Storage s) || !(a[1] instanceof Integer || a[1] instanceof Long)) {
            throw new F5jException(owner.path() + ": data.pkl rebuilds a tensor from unexpected arguments " + show(a));
        }
        long[] shape = longs(a[2]), stride = longs(a[3]);
        if (shape.length != stride.length) {
            throw new F5jException(owner.path() + ": data.pkl has a tensor with shape " + Arrays.toString(shape)
                    + " but stride " + Arrays.toString(stride));
        }
        return new TorchCheckpoint.TensorRef(s, ((Number) a[1]).longValue(), shape, stride);
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
        if (t.length > MAX_RANK) throw new F5jException(owner.path() + ": data.pkl has a tensor of " + t.length + " dimensions (at most " + MAX_RANK + ")");
        long[] r = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] instanceof Integer || t[i] instanceof Long) || ((Number) t[i]).longValue() < 0) {
                throw new F5jException(owner.path() + ": data.pkl has a tensor size/stride that is not a non-negative integer: " + show(o));
            }
            r[i] = ((Number) t[i]).longValue();
        }
        return r;
    }

    /** torch's own limit on tensor dimensions. */
    static final int MAX_RANK = 64;

    /**
     * A short, bounded rendering of an unpickled object for error messages: at most ~120 characters and
     * 4 levels, whatever its size, depth, sharing (a DAG) or cycles; never calls toString on containers.
     */
    static String show(Object o) {
        StringBuilder b = new StringBuilder();
        show(o, b, 0);
        return b.length() > 120 ? b.substring(0, 117) + "..." : b.toString();
    }

    private static void show(Object o, StringBuilder b, int depth) {
        if (b.length() > 120) return;
        if (o instanceof Object[] || o instanceof List<?> || o instanceof Map<?, ?>) {
            if (depth >= 4) { b.append("..."); return; }
            boolean tuple = o instanceof Object[], map = o instanceof Map<?, ?>;
            Iterable<?> items = tuple ? Arrays.asList((Object[]) o) : map ? ((Map<?, ?>) o).entrySet() : (List<?>) o;
            b.append(tuple ? '(' : map ? '{' : '[');
            int i = 0;
            for (Object x : items) {
                if (b.length() > 120) break;
                if (i++ > 0) b.append(", ");
                if (x instanceof Map.Entry<?, ?> e) {
                    show(e.getKey(), b, depth + 1);
                    b.append(": ");
                    show(e.getValue(), b, depth + 1);
                } else {
                    show(x, b, depth + 1);
                }
            }
            b.append(tuple ? ')' : map ? '}' : ']');
        } else if (o instanceof String s) {
            b.append('\'').append(s, 0, Math.min(s.length(), 60)).append(s.length() > 60 ? "...'" : "'");
        } else if (o instanceof java.math.BigInteger big && big.bitLength() > 256) {
            b.append("<int of ").append(big.bitLength()).append(" bits>");
        } else if (o instanceof byte[] bytes) {
            b.append("<").append(bytes.length).append(" bytes>");
        } else if (o == null || o instanceof Number || o instanceof Boolean || o instanceof StorageType) {
            b.append(o);
        } else {
            b.append('<').append(TorchCheckpoint.describe(o)).append('>');
        }
    }
}
