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

    public static ModelConfig load(Path yaml) {
        try (InputStream in = Files.newInputStream(yaml)) {
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
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new F5jException(source + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("model") instanceof Map<?, ?> model)) {
            throw new F5jException(source + ": no 'model' section (expected the upstream config layout: model.arch, model.mel_spec)");
        }
        Map<String, Object> m = (Map<String, Object>) model;
        String backbone = String.valueOf(m.getOrDefault("backbone", "DiT"));
        if (!backbone.equals("DiT")) throw new F5jException(source + ": backbone " + backbone + " is not supported (only DiT)");
        if (!(m.get("arch") instanceof Map<?, ?> arch)) throw new F5jException(source + ": no 'model.arch' section");
        Map<String, Object> ms = m.get("mel_spec") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
        return new ModelConfig(backbone, DitArch.fromMap((Map<String, Object>) arch, source), MelSpecConfig.fromMap(ms));
    }

    /** The model.yaml text for this configuration (upstream layout). */
    public String toYaml() {
        return "model:\n  backbone: " + backbone + "\n  arch:\n" + arch.toYaml("    ") + "  mel_spec:\n" + melSpec.toYaml("    ");
    }
}
