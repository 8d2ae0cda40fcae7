package f5j.config;

import f5j.util.F5jException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An F5-TTS model's configuration in the layout of the upstream config files ({@code model.arch},
 * {@code model.mel_spec}); read from a model folder's model.yaml or a preset in conf/.
 */
public record ModelConfig(String backbone, DitArch arch, MelSpecConfig melSpec) {

    /** A model.yaml is a few hundred bytes; the limits keep a hostile one (huge scalars, alias bombs) cheap. */
    static final int MAX_YAML_BYTES = 1 << 20, MAX_ALIASES = 20, MAX_NESTING = 20;

    public static ModelConfig load(Path yaml) {
        try (InputStream in = Files.newInputStream(yaml)) {
            long size = Files.size(yaml);
            if (size > MAX_YAML_BYTES) {
                throw new F5jException(yaml + ": " + size + " bytes, too large for a model config (at most " + MAX_YAML_BYTES + ")");
            }
            return parse(in, yaml.toString());
        } catch (NoSuchFileException e) {
            throw new F5jException(yaml + ": no such file");
        } catch (IOException e) {
            throw new F5jException(yaml + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** A preset by name (F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small) from conf/. */
    public static ModelConfig preset(String name) {
        Path p = Presets.path(name);
        return load(p);
    }

    @SuppressWarnings("unchecked")
    public static ModelConfig parse(InputStream in, String source) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(loaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new F5jException(source + ": not valid YAML (" + yamlProblem(e) + ")");
        } catch (StackOverflowError e) {
            throw new F5jException(source + ": not valid YAML (nested too deeply)");
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("model") instanceof Map<?, ?> model)) {
            throw new F5jException(source + ": no 'model' section (expected the upstream config layout: model.arch, model.mel_spec)");
        }
        Map<String, Object> m = (Map<String, Object>) model;
        Object bb = m.getOrDefault("backbone", "DiT");
        if (!"DiT".equals(bb)) throw new F5jException(source + ": backbone " + ConfigValues.show(bb) + " is not supported (only DiT)");
        String backbone = "DiT";
        if (!(m.get("arch") instanceof Map<?, ?> arch)) throw new F5jException(source + ": no 'model.arch' section");
        if (m.get("mel_spec") != null && !(m.get("mel_spec") instanceof Map<?, ?>)) throw new F5jException(source + ": 'model.mel_spec' is not a mapping");
        Map<String, Object> ms = m.get("mel_spec") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
        return new ModelConfig(backbone, DitArch.fromMap((Map<String, Object>) arch, source), MelSpecConfig.fromMap(ms, source));
    }

    /** SnakeYAML's problem in one line: what is wrong and where ("found duplicate key model, line 2"). */
    public static String yamlProblem(RuntimeException e) {
        if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
            return m.getProblem().lines().findFirst().orElse("") + (m.getProblemMark() != null ? ", line " + (m.getProblemMark().getLine() + 1) : "");
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return msg.length() > 200 ? msg.substring(0, 197) + "..." : msg;
    }

    /** SnakeYAML's loader with f5j's limits; for any YAML f5j reads (model.yaml, Vocos config.yaml). */
    public static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_YAML_BYTES);
        o.setMaxAliasesForCollections(MAX_ALIASES);
        o.setNestingDepthLimit(MAX_NESTING);
        o.setAllowDuplicateKeys(false);
        o.setAllowRecursiveKeys(false);
        return o;
    }

    /** The model.yaml text for this configuration (upstream layout). */
    public String toYaml() {
        return "model:\n  backbone: " + backbone + "\n  arch:\n" + arch.toYaml("    ") + "  mel_spec:\n" + melSpec.toYaml("    ");
    }
}
