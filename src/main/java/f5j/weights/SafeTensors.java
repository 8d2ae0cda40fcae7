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
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER) {
                throw new F5jException(path + ": not a safetensors file or truncated (header length " + Long.toUnsignedString(headerLen)
                        + ", file size " + size + (headerLen > MAX_HEADER ? "; at most " + MAX_HEADER : "") + ")");
            }
            st.parseHeader(all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), all, 8 + headerLen);
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

    /** The reference library's limits: a header of at most 100 MB; tensors of at most 2^40 elements here. */
    static final long MAX_HEADER = 100_000_000, MAX_NUMEL = 1L << 40;
    /** The header is {name: {dtype, shape, data_offsets}, __metadata__: {k: v}}: 3 levels; more is hostile. */
    private static final int MAX_JSON_DEPTH = 8;

    /**
     * Validates the header as strictly as the reference safetensors library: UTF-8, a JSON object (strict
     * syntax, nothing after it but padding), string metadata, known dtypes, non-negative integer shapes and
     * offsets, each tensor's byte size matching its shape, and the tensors tiling the data area exactly
     * (sorted by offset: contiguous from 0, no overlap, no gap, ending at the end of the file).
     */
    private void parseHeader(byte[] raw, MemorySegment all, long base) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new F5jException(path + ": safetensors header is not valid UTF-8");
        }
        if (!json.startsWith("{")) throw new F5jException(path + ": safetensors header does not start with '{'");
        checkDepth(json);
        JsonObject header;
        try {
            com.google.gson.stream.JsonReader r = new com.google.gson.stream.JsonReader(new java.io.StringReader(json));
            r.setStrictness(com.google.gson.Strictness.STRICT);
            header = JsonParser.parseReader(r).getAsJsonObject();
            if (r.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) throw new JsonParseException("data after the header object");
        } catch (JsonParseException | IllegalStateException | IOException e) {
            throw new F5jException(path + ": safetensors header is not valid JSON (" + e.getMessage() + ")");
        }
        record Span(String name, long begin, long end) {}
        java.util.List<Span> spans = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!e.getValue().isJsonObject()) throw new F5jException(path + ": safetensors __metadata__ is not an object");
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    JsonElement v = m.getValue();
                    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                        throw new F5jException(path + ": safetensors metadata " + m.getKey() + " is not a string");
                    }
                    metadata.put(m.getKey(), v.getAsString());
                }
                continue;
            }
            if (!e.getValue().isJsonObject()) throw new F5jException(path + ": tensor " + name + ": header entry is not an object");
            JsonObject info = e.getValue().getAsJsonObject();
            JsonElement dte = info.get("dtype");
            if (dte == null || !dte.isJsonPrimitive() || !dte.getAsJsonPrimitive().isString()) {
                throw new F5jException(path + ": tensor " + name + " has no dtype string");
            }
            DType dt = DType.fromSafetensors(dte.getAsString());
            if (dt == null) throw new F5jException(path + ": tensor " + name + " has unsupported dtype " + dte.getAsString());
            long[] shape = integers(name, "shape", info.get("shape"), -1);
            long numel = 1;
            for (long d : shape) {
                if (d != 0 && numel > MAX_NUMEL / d) {
                    throw new F5jException(path + ": tensor " + name + " has shape " + java.util.Arrays.toString(shape)
                            + ", more than " + MAX_NUMEL + " elements");
                }
                numel *= d;
            }
            long[] offs = integers(name, "data_offsets", info.get("data_offsets"), 2);
            long begin = offs[0], end = offs[1];
            if (end < begin) throw new F5jException(path + ": tensor " + name + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
            if (end - begin != numel * dt.size) {
                throw new F5jException(path + ": tensor " + name + " has " + (end - begin) + " bytes but shape "
                        + java.util.Arrays.toString(shape) + " of " + dt + " needs " + numel * dt.size);
            }
            spans.add(new Span(name, begin, end));
            tensors.put(name, new RawTensor(name, dt, shape, null));
        }
        spans.sort(java.util.Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long dataLen = all.byteSize() - base, at = 0;
        for (Span sp : spans) {
            if (sp.begin() != at) {
                throw new F5jException(path + ": tensor " + sp.name() + " starts at data byte " + sp.begin() + " but the previous tensor ends at "
                        + at + " (" + (sp.begin() < at ? "overlapping" : "a gap between") + " tensors; safetensors data is contiguous)");
            }
            if (sp.end() > dataLen) {
                throw new F5jException(path + ": truncated: tensor " + sp.name() + " ends at byte " + (base + sp.end())
                        + " but the file has " + all.byteSize());
            }
            at = sp.end();
        }
        if (at != dataLen) {
            throw new F5jException(path + ": " + (dataLen - at) + " bytes after the last tensor (the header does not describe the whole file)");
        }
        for (Span sp : spans) {
            RawTensor t = tensors.get(sp.name());
            tensors.put(sp.name(), new RawTensor(sp.name(), t.dtype(), t.shape(), all.asSlice(base + sp.begin(), sp.end() - sp.begin())));
        }
    }

    /** A JSON array of non-negative integers (of {@code len} elements unless -1), as Rust's usize parses them. */
    private long[] integers(String name, String field, JsonElement el, int len) {
        if (el == null || !el.isJsonArray() || (len >= 0 && el.getAsJsonArray().size() != len) || el.getAsJsonArray().size() > 64) {
            throw new F5jException(path + ": tensor " + name + " has no valid " + field + (len >= 0 ? " (" + len + " integers)" : ""));
        }
        var a = el.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            String v = x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber() ? x.getAsJsonPrimitive().getAsString() : "";
            if (!v.matches("[0-9]{1,18}")) {
                throw new F5jException(path + ": tensor " + name + " has a " + field + " value " + shorten(x.toString())
                        + " that is not a non-negative integer");
            }
            out[i] = Long.parseLong(v);
        }
        return out;
    }

    private static String shorten(String s) { return s.length() > 40 ? s.substring(0, 37) + "..." : s; }

    /** Refuses deep nesting before Gson's recursive tree builder sees it. */
    private void checkDepth(String json) {
        int depth = 0;
        boolean str = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (str) {
                if (c == '\\') i++;
                else if (c == '"') str = false;
            } else if (c == '"') {
                str = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new F5jException(path + ": safetensors header is nested more than " + MAX_JSON_DEPTH + " levels deep");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
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
