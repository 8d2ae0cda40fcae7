package f5j.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import f5j.tensor.Tensor;
import f5j.util.F5jException;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;

import java.nio.file.Path;
import java.util.List;

/**
 * A golden recording (format: shared/goldens/README.md): {@code inputs/*}, {@code out/*},
 * {@code act/MODULE#K} tensors plus string metadata, the first key of which is {@code kind}.
 */
public final class GoldenFile implements AutoCloseable {
    private final SafeTensors st;

    private GoldenFile(SafeTensors st) { this.st = st; }

    public static GoldenFile open(Path path) { return new GoldenFile(SafeTensors.open(path)); }

    public Path path() { return st.path(); }

    /** The folder the file lies in; relative paths in the metadata resolve against it. */
    public Path dir() { return st.path().toAbsolutePath().getParent(); }

    public SafeTensors tensors() { return st; }

    public String kind() { return st.meta("kind"); }

    public String meta(String key) { return st.meta(key); }

    public String requireMeta(String key) {
        String v = st.meta(key);
        if (v == null) throw new F5jException(path() + ": metadata has no '" + key + "'");
        return v;
    }

    /** A metadata value that is JSON text (lists, objects, numbers, null). */
    public JsonElement metaJson(String key) {
        String v = st.meta(key);
        return v == null ? null : JsonParser.parseString(v);
    }

    public boolean has(String name) { return st.has(name); }

    public RawTensor raw(String name) { return st.get(name); }

    public Tensor tensor(String name) { return st.get(name).toTensor(); }

    public Tensor input(String name) { return tensor("inputs/" + name); }

    /** Names of everything to compare: {@code out/*} and {@code act/*}, in file order. */
    public List<String> expectedNames() {
        return st.names().stream().filter(n -> n.startsWith("out/") || n.startsWith("act/")).toList();
    }

    @Override
    public void close() { st.close(); }
}
