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
            String order = new String(zip.data(bo).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) throw new F5jException(path + ": storages are " + order + "-endian (only little-endian is supported)");
        }
        byte[] pickle = zip.data(zip.get(pkl)).toArray(ValueLayout.JAVA_BYTE);
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
        return ck.tensors(ck.rootDict(), "");
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
            String key = String.valueOf(e.getKey());
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
            throw new F5jException(path + ": a legacy (pre-1.6, non-zip) torch.save file; re-save it with torch>=1.6: "
                    + "python -c \"import torch; torch.save(torch.load('" + path.getFileName() + "'), 'resaved.pt')\"");
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
            long need = numel * dtype.size;
            if (seg.byteSize() < need) {
                throw new F5jException(path + ": storage " + key + " is too short: " + seg.byteSize() + " bytes, but data.pkl says "
                        + numel + " elements of " + dtype + " (" + need + " bytes)");
            }
            return seg;
        }
    }

    /** A tensor as data.pkl describes it: a strided view of a storage. Nothing is read until {@link #load}. */
    public record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
        public DType dtype() { return storage.dtype; }

        /** The zip entry holding the storage ({@code ARCHIVE/data/KEY}). */
        public String storageEntry() { return storage.entry(); }

        public long numel() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }

        /** The tensor's values, contiguous row-major: a slice of the mapped file, or a copy when strided. */
        public RawTensor load(String name) {
            Path path = storage.owner.path;
            int es = storage.dtype.size;
            long n = numel();
            long last = offset;  // highest element index the view touches
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new F5jException(path + ": tensor " + name + " has a negative size or stride");
                }
                if (shape[i] > 0) last += (shape[i] - 1) * stride[i];
            }
            if (n > 0 && (offset < 0 || last >= storage.numel)) {
                throw new F5jException(path + ": tensor " + name + " (offset " + offset + ", shape " + Arrays.toString(shape)
                        + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of storage " + storage.key
                        + ", which has " + storage.numel + " elements");
            }
            MemorySegment seg = storage.bytes();
            if (n == 0) return new RawTensor(name, storage.dtype, shape.clone(), MemorySegment.ofArray(new byte[0]));
            if (isContiguous()) {
                return new RawTensor(name, storage.dtype, shape.clone(), seg.asSlice(offset * es, n * es));
            }
            byte[] out = new byte[Math.toIntExact(n * es)];
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
                || !(t[4] instanceof Number numel)) {
            throw new F5jException(path + ": data.pkl has an unexpected persistent id " + RestrictedUnpickler.show(pid));
        }
        String key = String.valueOf(t[2]);
        return storages.computeIfAbsent(key, k -> new Storage(this, k, st.dtype(), numel.longValue()));
    }
}
