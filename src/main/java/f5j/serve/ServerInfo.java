package f5j.serve;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import f5j.config.ModelConfig;
import f5j.util.F5jException;
import f5j.util.Version;
import f5j.weights.Converter;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code GET /v1/info} says: the version, the model and vocoder (config, files' sha256), the backend. */
final class ServerInfo {
    private ServerInfo() {}

    static JsonObject of(ServeOptions o) {
        JsonObject j = new JsonObject();
        j.addProperty("version", Version.VERSION);
        j.addProperty("backend", o.backendName());
        JsonObject model = new JsonObject();
        model.addProperty("dir", o.model().toString());
        model.add("config", yaml(o.model().resolve("model.yaml")));
        model.add("sha256", digests(o.model(), "model.safetensors", "model.yaml", "vocab.txt"));
        j.add("model", model);
        JsonObject voc = new JsonObject();
        voc.addProperty("dir", o.vocoder().toString());
        voc.add("config", yaml(o.vocoder().resolve("config.yaml")));
        voc.add("sha256", digests(o.vocoder(), "config.yaml", "pytorch_model.bin"));
        j.add("vocoder", voc);
        JsonObject lim = new JsonObject();
        lim.addProperty("queue", o.queue());
        lim.addProperty("timeout_s", o.timeout().toSeconds());
        lim.addProperty("max_upload_bytes", o.maxUploadBytes());
        lim.addProperty("max_checkpoint_bytes", o.maxCheckpointBytes());
        j.add("limits", lim);
        return j;
    }

    private static JsonElement yaml(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            Object tree = new Yaml(new SafeConstructor(ModelConfig.loaderOptions())).load(in);
            return new Gson().toJsonTree(tree);
        } catch (IOException | RuntimeException e) {
            throw new F5jException(f + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static JsonObject digests(Path dir, String... names) {
        JsonObject d = new JsonObject();
        for (String n : names) {
            Path f = dir.resolve(n);
            if (Files.isRegularFile(f)) d.addProperty(n, Converter.sha256(f));
        }
        return d;
    }
}
