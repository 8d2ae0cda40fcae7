package f5j.weights;

import f5j.tensor.DType;
import f5j.util.F5jException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch checkpoint in the zip layout of {@code torch.save} (torch >= 1.6): {@code ARCHIVE/data.pkl}
 * (the pickled object tree) and {@code ARCHIVE/data/KEY} (one raw little-endian storage each).
 * <p>
 * data.pkl is read by {@link RestrictedUnpickler}, which rebuilds only tensors, storages, OrderedDicts and
 * plain containers. Tensors come back as {@link TensorRef}s; their bytes stay in the memory-mapped file
 * until {@link TensorRef#load} is called, so the optimizer state of a trainer checkpoint is never read.
 * <p>
 * The unpickled tree uses {@code Map} (dicts, OrderedDicts; insertion order kept), {@code List},
 * {@code Object[]} (tuples), {@code String}, {@code Number}, {@code Boolean}, {@code null} and {@code TensorRef}.
 */
public final class TorchCheckpoint {
    /** data.pkl of a trainer checkpoint is a few hundred KB; this bounds what a hostile one can cost. */
    static final long MAX_PICKLE_BYTES = 64L << 20;

    private final Path path;
    private final ZipIndex zip;
    private final String archive;
    private final Map<String, Storage> storages = new HashMap<>();
    private final Object root;

    private TorchCheckpoint(Path path, MemorySegment file) {
        this.path = path;
        checkMagic(path, file);
        this.zip = new ZipIndex(path, file);
        String pkl = zip.entries().keySet().stream().filter(n -> n.equals("data.pkl") || n.endsWith("/data.pkl"))
                .findFirst().orElseThrow(() -> new F5jException(path + ": a zip archive but not a PyTorch checkpoint (no data.pkl entry)"));
        this.archive = pkl.substring(0, pkl.length() - "data.pkl".length());
        ZipIndex.Entry bo = zip.get(archive + "byteorder");
        if (bo != null) {
            if (bo.size() > 64) throw new F5jException(path + ": damaged checkpoint (" + bo.name() + " is " + bo.size() + " bytes)");
            String order = new String(zip.data(bo, 64).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).trim();
            if (order.length() > 16) order = order.substring(0, 16) + "...";
            if (!order.equals("little")) throw new F5jException(path + ": storages are " + order + "-endian (only little-endian is supported)");
        }
        ZipIndex.Entry pe = zip.get(pkl);
        if (pe.size() > MAX_PICKLE_BYTES) {
            throw new F5jException(path + ": data.pkl is " + pe.size() + " bytes (at most " + MAX_PICKLE_BYTES
                    + " are read; a checkpoint's data.pkl is far smaller)");
        }
        byte[] pickle = zip.data(pe, MAX_PICKLE_BYTES).toArray(ValueLayout.JAVA_BYTE);
        this.root = new RestrictedUnpickler(this).read(pickle);
    }

    /** Opens and unpickles a checkpoint; the file stays mapped while any of its tensors is reachable. */
    public static TorchCheckpoint open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
            return new TorchCheckpoint(path, file);
        } catch (NoSuchFileException e) {
            throw new F5jException(path + ": no such file");
        } catch (IOException e) {
            throw new F5jException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a file that holds one flat state dict (e.g. Vocos' pytorch_model.bin), every tensor loaded. */
    public static Map<String, RawTensor> readStateDict(Path path) {
        TorchCheckpoint ck = open(path);
        Map<String, RawTensor> sd = ck.tensors(ck.rootDict(), "");
        for (RawTensor t : sd.values()) t.requireFinite(path);
        return sd;
    }

    public Path path() { return path; }

    public Object root() { return root; }

    /** The top-level object, which must be a dict. */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> rootDict() {
        if (!(root instanceof Map<?, ?> m)) {
            throw new F5jException(path + ": data.pkl holds a " + describe(root) + ", not a dict");
        }
        return (Map<Object, Object>) m;
    }

    /**
     * The tensors of a dict, loaded, keyed by their string key (with {@code prefix} removed where present);
     * a value that is not a tensor is an error naming its key.
     */
    public Map<String, RawTensor> tensors(Map<?, ?> dict, String prefix) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new F5jException(path + ": state dict key " + RestrictedUnpickler.show(e.getKey()) + " is a "
                        + describe(e.getKey()) + ", not a string");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new F5jException(path + ": state dict entry " + key + " is a " + describe(e.getValue()) + ", not a tensor");
            }
            String name = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
            out.put(name, t.load(name));
        }
        return out;
    }

    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof List<?>) return "list";
        if (o instanceof Object[]) return "tuple";
        if (o instanceof TensorRef) return "tensor";
        if (o instanceof String) return "string";
        if (o instanceof Number || o instanceof Boolean) return "number";
        return o.getClass().getSimpleName();
    }

    private static void checkMagic(Path path, MemorySegment file) {
        long n = file.byteSize();
        if (n >= 4 && file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0) == ZipIndex.LOCAL_SIG) {
            return;
        }
        if (n >= 2 && (file.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == 0x80) {
            // No advice to load it with torch: unpickling an untrusted file runs whatever code it holds.
            throw new F5jException(path + ": a legacy (pre-1.6, non-zip) torch.save file, which f5j does not read; "
                    + "get the checkpoint as a torch>=1.6 zip .pt or a .safetensors file from its source");
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(4, n); i++) head.append(String.format("%02x ", file.get(ValueLayout.JAVA_BYTE, i) & 0xff));
        throw new F5jException(path + ": not a PyTorch checkpoint (wrong magic: starts with " + head.toString().trim()
                + (n == 0 ? "nothing, the file is empty" : "") + "; a torch.save file is a zip archive starting with 50 4b 03 04)");
    }

    /** A storage named in data.pkl: ARCHIVE/data/KEY holding {@code numel} elements of {@code dtype}. */
    record Storage(TorchCheckpoint owner, String key, DType dtype, long numel) {
        String entry() { return owner.archive + "data/" + key; }

        MemorySegment bytes() {
            Path path = owner.path;
            String entry = entry();
            ZipIndex.Entry e = owner.zip.get(entry);
            if (e == null) throw new F5jException(path + ": storage " + key + " is missing (no zip entry " + entry + ")");
            MemorySegment seg = owner.zip.data(e);
            long need = numel * dtype.size;  // numel <= MAX_NUMEL: no overflow
            if (seg.byteSize() < need) {
                throw new F5jException(path + ": storage " + key + " is too short: " + seg.byteSize() + " bytes, but data.pkl says "
                        + numel + " elements of " + dtype + " (" + need + " bytes)");
            }
            return seg;
        }
    }

    /** Elements in one storage or tensor: 2^40 (8 TiB of float64) is beyond any checkpoint, and keeps byte sizes in a long. */
    static final long MAX_NUMEL = 1L << 40;

    /** A tensor as data.pkl describes it: a strided view of a storage. Nothing is read until {@link #load}. */
    public record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
        public DType dtype() { return storage.dtype; }

        /** The zip entry holding the storage ({@code ARCHIVE/data/KEY}). */
        public String storageEntry() { return storage.entry(); }

        /** The element count, or -1 when it exceeds {@link #MAX_NUMEL} (the shape is refused on load). */
        public long numel() {
            long n = 1;
            for (long s : shape) {
                if (s < 0) return -1;
                if (s != 0 && n > MAX_NUMEL / s) return -1;
                n *= s;
            }
            for (long s : shape) if (s == 0) return 0;
            return n;
        }

        /** The tensor's values, contiguous row-major: a slice of the mapped file, or a copy when strided. */
        public RawTensor load(String name) {
            Path path = storage.owner.path;
            int es = storage.dtype.size;
            long n = numel();
            if (n < 0) {
                throw new F5jException(path + ": tensor " + name + " has shape " + Arrays.toString(shape) + ", more than "
                        + MAX_NUMEL + " elements");
            }
            long last = offset;  // highest element index the view touches
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new F5jException(path + ": tensor " + name + " has a negative size or stride");
                }
                if (shape[i] > 0 && n > 0) {
                    if (stride[i] > 0 && shape[i] - 1 > (MAX_NUMEL - last) / stride[i]) { last = MAX_NUMEL; break; }
                    last += (shape[i] - 1) * stride[i];
                }
            }
            if (n > 0 && (offset < 0 || offset > MAX_NUMEL || last >= storage.numel)) {
                throw new F5jException(path + ": tensor " + name + " (offset " + offset + ", shape " + Arrays.toString(shape)
                        + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of storage " + storage.key
                        + ", which has " + storage.numel + " elements");
            }
            MemorySegment seg = storage.bytes();
            if (n == 0) return new RawTensor(name, storage.dtype, shape.clone(), MemorySegment.ofArray(new byte[0]));
            if (isContiguous()) {
                return new RawTensor(name, storage.dtype, shape.clone(), seg.asSlice(offset * es, n * es));
            }
            if (n * es > Integer.MAX_VALUE - 8) {
                throw new F5jException(path + ": tensor " + name + " is strided and " + n * es + " bytes, too large to copy");
            }
            byte[] out = new byte[(int) (n * es)];
            long[] idx = new long[shape.length];
            for (long k = 0; k < n; k++) {
                long src = offset;
                for (int d = 0; d < shape.length; d++) src += idx[d] * stride[d];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, src * es, out, (int) (k * es), es);
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++idx[d] < shape[d]) break;
                    idx[d] = 0;
                }
            }
            return new RawTensor(name, storage.dtype, shape.clone(), MemorySegment.ofArray(out));
        }

        /** Row-major contiguous, ignoring the strides of size-1 dimensions (torch leaves them arbitrary). */
        boolean isContiguous() {
            long expect = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (shape[d] != 1 && stride[d] != expect) return false;
                expect *= shape[d];
            }
            return true;
        }
    }

    /** persistent_load: ('storage', torch.XStorage, key, location, numel). */
    Storage storage(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof RestrictedUnpickler.StorageType st)
                || !(t[2] instanceof String key) || !(t[4] instanceof Integer || t[4] instanceof Long)) {
            throw new F5jException(path + ": data.pkl has an unexpected persistent id " + RestrictedUnpickler.show(pid));
        }
        if (key.length() > 256) throw new F5jException(path + ": data.pkl names a storage by a key of " + key.length() + " characters");
        long numel = ((Number) t[4]).longValue();
        if (numel < 0 || numel > MAX_NUMEL) {
            throw new F5jException(path + ": storage " + RestrictedUnpickler.show(key) + " claims " + numel + " elements (at most " + MAX_NUMEL + ")");
        }
        Storage s = storages.computeIfAbsent(key, k -> new Storage(this, k, st.dtype(), numel));
        if (s.dtype() != st.dtype() || s.numel() != numel) {
            throw new F5jException(path + ": storage " + RestrictedUnpickler.show(key) + " is named twice with different types or sizes");
        }
        return s;
    }
}
