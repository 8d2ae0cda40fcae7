package f5j.cli;

import f5j.util.F5jException;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code synth -c file.toml}: upstream infer_cli's config layout (examples/basic/basic.toml,
 * examples/multi/story.toml) plus f5j's own keys ({@code vocoder}, {@code seed}, {@code method},
 * {@code preset}, {@code weights}). Relative paths are taken from the file's own folder, so a config and its
 * clips travel together. Options given on the command line override the file.
 */
final class TomlConfig {
    /** A {@code [voices.NAME]} table. */
    record Voice(Path refAudio, String refText, Double speed) {}

    static final Set<String> UPSTREAM_KEYS = Set.of("model", "model_cfg", "ckpt_file", "vocab_file", "ref_audio", "ref_text",
            "gen_text", "gen_file", "output_dir", "output_file", "save_chunk", "no_legacy_text", "remove_silence",
            "load_vocoder_from_local", "vocoder_name", "target_rms", "cross_fade_duration", "nfe_step", "cfg_strength",
            "sway_sampling_coef", "speed", "fix_duration", "device", "voices");
    static final Set<String> F5J_KEYS = Set.of("vocoder", "seed", "method", "preset", "weights");

    final Path file;
    private final TomlParseResult toml;
    final Map<String, Voice> voices = new LinkedHashMap<>();
    final List<String> ignored;

    private TomlConfig(Path file, TomlParseResult toml, List<String> ignored) {
        this.file = file;
        this.toml = toml;
        this.ignored = ignored;
    }

    static TomlConfig load(Path file) {
        if (!Files.isRegularFile(file)) throw new F5jException("--config " + file + ": no such file");
        TomlParseResult r;
        try {
            r = Toml.parse(file);
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (r.hasErrors()) {
            var e = r.errors().get(0);
            throw new F5jException(file + ": not valid TOML (" + e.getMessage() + ")");
        }
        TreeSet<String> unknown = new TreeSet<>();
        for (String k : r.keySet()) if (!UPSTREAM_KEYS.contains(k) && !F5J_KEYS.contains(k)) unknown.add(k);
        TomlConfig c = new TomlConfig(file, r, List.copyOf(unknown));
        if (r.contains("voices")) {
            if (!r.isTable("voices")) throw new F5jException(file + ": voices must be a table of [voices.NAME] tables");
            TomlTable vs = r.getTable("voices");
            for (String name : vs.keySet()) {
                if (!vs.isTable(List.of(name))) throw new F5jException(file + ": voices." + name + " must be a table");
                TomlTable v = vs.getTable(List.of(name));
                String where = "voices." + name;
                Object audio = v.get("ref_audio");
                if (!(audio instanceof String a) || a.isBlank()) throw new F5jException(file + ": " + where + " has no ref_audio");
                Object text = v.get("ref_text");
                if (text != null && !(text instanceof String)) throw new F5jException(file + ": " + where + ".ref_text must be a string");
                Object speed = v.get("speed");
                if (speed != null && !(speed instanceof Number)) throw new F5jException(file + ": " + where + ".speed must be a number");
                c.voices.put(name, new Voice(c.resolve(a), text == null ? "" : (String) text,
                        speed == null ? null : ((Number) speed).doubleValue()));
            }
        }
        return c;
    }

    boolean has(String key) { return toml.contains(key); }

    String string(String key) {
        Object v = toml.get(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new F5jException(file + ": " + key + " must be a string");
        return s;
    }

    /** A path value, relative to the config's folder; null when absent or empty (upstream's "" = unset). */
    Path path(String key) {
        String s = string(key);
        return s == null || s.isEmpty() ? null : resolve(s);
    }

    Path resolve(String s) {
        Path p = Path.of(s);
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    Double number(String key) {
        Object v = toml.get(key);
        if (v == null) return null;
        if (!(v instanceof Number n)) throw new F5jException(file + ": " + key + " must be a number");
        return n.doubleValue();
    }

    Integer integer(String key) {
        Object v = toml.get(key);
        if (v == null) return null;
        if (!(v instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new F5jException(file + ": " + key + " must be an integer");
        }
        return n.intValue();
    }

    boolean flag(String key) {
        Object v = toml.get(key);
        if (v == null) return false;
        if (!(v instanceof Boolean b)) throw new F5jException(file + ": " + key + " must be true or false");
        return b;
    }

    /** seed as an integer or a string (TOML integers stop at 2^63-1; torch.manual_seed goes to 2^64-1). */
    Long seed() {
        Object v = toml.get("seed");
        if (v == null) return null;
        try {
            return SeedOption.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw new F5jException(file + ": seed " + v + ": " + e.getMessage());
        }
    }
}
