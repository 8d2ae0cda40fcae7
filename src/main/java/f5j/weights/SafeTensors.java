package f5j.weights;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import f5j.tensor.DType;
import f5j.util.AtomicFiles;
import f5j.util.F5jException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A .safetensors file, memory-mapped: 8-byte little-endian header length, JSON header, raw data.
 * Tensors are views into the mapping; closing the file unmaps them.
 */
public final class SafeTensors implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final boolean closeable;
    private final Map<String, RawTensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafeTensors(Path path, Arena arena, boolean closeable) {
        this.path = path;
        this.arena = arena;
        this.closeable = closeable;
    }

    public static SafeTensors open(Path path) { return open(path, Arena.ofShared(), true); }

    /**
     * Opens a file whose mapping lives as long as any of its tensors is reachable (garbage-collected, so
     * tensors may outlive this object; {@link #close} does nothing).
     */
    public static SafeTensors openManaged(Path path) { return open(path, Arena.ofAuto(), false); }

    private static SafeTensors open(Path path, Arena arena, boolean closeable) {
        SafeTensors st = new SafeTensors(path, arena, closeable);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new F5jException(path + ": not a safetensors file (only " + size + " bytes)");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new F5jException(path + ": not a safetensors file or truncated (header length " + headerLen
                        + ", file size " + size + ")");
            }
            String json = new String(all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            JsonObject header;
            try {
                header = JsonParser.parseString(json).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new F5jException(path + ": safetensors header is not valid JSON (" + e.getMessage() + ")");
            }
            long base = 8 + headerLen;
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        st.metadata.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString()
                                : m.getValue().toString());
                    }
                    continue;
                }
                JsonObject info = e.getValue().getAsJsonObject();
                DType dt = DType.fromSafetensors(info.get("dtype").getAsString());
                if (dt == null) throw new F5jException(path + ": tensor " + e.getKey() + " has unsupported dtype "
                        + info.get("dtype").getAsString());
                var shapeArr = info.getAsJsonArray("shape");
                long[] shape = new long[shapeArr.size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeArr.get(i).getAsLong();
                    numel *= shape[i];
                }
                var offs = info.getAsJsonArray("data_offsets");
                long begin = offs.get(0).getAsLong(), end = offs.get(1).getAsLong();
                if (end - begin != numel * dt.size) {
                    throw new F5jException(path + ": tensor " + e.getKey() + " has " + (end - begin) + " bytes but shape "
                            + java.util.Arrays.toString(shape) + " of " + dt + " needs " + numel * dt.size);
                }
                if (begin < 0 || base + end > size) {
                    throw new F5jException(path + ": truncated: tensor " + e.getKey() + " ends at byte " + (base + end)
                            + " but the file has " + size);
                }
                st.tensors.put(e.getKey(), new RawTensor(e.getKey(), dt, shape, all.asSlice(base + begin, end - begin)));
            }
            return st;
        } catch (NoSuchFileException e) {
            st.close();
            throw new F5jException(path + ": no such file");
        } catch (IOException e) {
            st.close();
            throw new F5jException(path + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    public Path path() { return path; }

    public Map<String, String> metadata() { return metadata; }

    public String meta(String key) { return metadata.get(key); }

    public Set<String> names() { return tensors.keySet(); }

    public Collection<RawTensor> tensors() { return tensors.values(); }

    public boolean has(String name) { return tensors.containsKey(name); }

    public RawTensor get(String name) {
        RawTensor t = tensors.get(name);
        if (t == null) throw new F5jException(path + ": no tensor named " + name);
        return t;
    }

    @Override
    public void close() { if (closeable) arena.close(); }

    /** Writes tensors (in the given order) and string metadata, atomically. */
    public static void write(Path target, Collection<RawTensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject md = new JsonObject();
            metadata.forEach(md::addProperty);
            header.add("__metadata__", md);
        }
        long offset = 0;
        for (RawTensor t : tensors) {
            JsonObject info = new JsonObject();
            info.addProperty("dtype", t.dtype().safetensorsName);
            var shape = new com.google.gson.JsonArray();
            for (long s : t.shape()) shape.add(s);
            info.add("shape", shape);
            var offs = new com.google.gson.JsonArray();
            offs.add(offset);
            offs.add(offset + t.data().byteSize());
            info.add("data_offsets", offs);
            header.add(t.name(), info);
            offset += t.data().byteSize();
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(target, out -> {
            byte[] len = new byte[8];
            java.nio.ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len);
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            byte[] buf = new byte[1 << 16];
            for (RawTensor t : tensors) {
                MemorySegment seg = t.data();
                for (long p = 0; p < seg.byteSize(); p += buf.length) {
                    int n = (int) Math.min(buf.length, seg.byteSize() - p);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, p, buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
        });
    }
}
