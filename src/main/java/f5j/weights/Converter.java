package f5j.weights;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import f5j.config.ModelConfig;
import f5j.config.Presets;
import f5j.tensor.DType;
import f5j.numerics.Half;
import f5j.util.AtomicFiles;
import f5j.util.F5jException;
import f5j.util.SettingException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a checkpoint into a model folder ({@link ModelDir}): the chosen state dict under CFM names, checked
 * against the config and vocab, plus model.yaml, vocab.txt and provenance.json. The folder is assembled
 * under a temporary name beside the target and renamed into place, so a failed run leaves nothing behind.
 */
public final class Converter {
    public static final String F5J_VERSION = "0.1.0";

    /**
     * @param config  a model.yaml; null: {@code preset}, else model.yaml beside the checkpoint, else the preset
     *                named like the checkpoint's folder (F5TTS_v1_Base/...)
     * @param preset  a preset name from conf/ (used when config is null)
     * @param vocab   vocab.txt; null: vocab.txt beside the checkpoint
     * @param dtype   F32, F16 or BF16 for the floating tensors; null keeps them as stored
     */
    public record Request(Path checkpoint, Path config, String preset, Path vocab, Weights weights, DType dtype,
                          Path outDir, String name, boolean force) {}

    private Converter() {}

    /** Runs the conversion and returns the written folder, reloaded. */
    public static ModelDir convert(Request r) {
        Path ckpt = r.checkpoint();
        if (!Files.isRegularFile(ckpt)) throw new F5jException(ckpt + ": no such checkpoint file");
        if (r.dtype() != null && r.dtype() != DType.F32 && r.dtype() != DType.F16 && r.dtype() != DType.BF16) {
            throw new SettingException("dtype", r.dtype(), "only f32, f16 and bf16 are supported");
        }
        Path beside = ckpt.getParent() != null ? ckpt.getParent() : Path.of("");
        String configSource;
        ModelConfig config;
        if (r.config() != null) {
            config = ModelConfig.load(r.config());
            configSource = r.config().toString();
        } else if (r.preset() != null) {
            config = ModelConfig.preset(r.preset());
            configSource = "preset " + r.preset();
        } else if (Files.isRegularFile(beside.resolve(ModelDir.CONFIG))) {
            config = ModelConfig.load(beside.resolve(ModelDir.CONFIG));
            configSource = beside.resolve(ModelDir.CONFIG).toString();
        } else if (folderPreset(ckpt) != null) {
            // Released models sit in folders named like the preset (F5TTS_v1_Base/model_1250000.safetensors).
            config = ModelConfig.preset(folderPreset(ckpt));
            configSource = "preset " + folderPreset(ckpt) + " (from the checkpoint's folder name)";
        } else {
            throw new F5jException(ckpt + ": no model config: give a model.yaml or a preset (F5TTS_v1_Base, "
                    + "F5TTS_Base, F5TTS_v1_Small, F5TTS_Small); there is no model.yaml beside the checkpoint");
        }
        Path vocab = r.vocab() != null ? r.vocab() : beside.resolve(ModelDir.VOCAB);
        if (!Files.isRegularFile(vocab)) {
            throw new F5jException(r.vocab() != null ? vocab + ": missing vocab (no such file)"
                    : ckpt + ": missing vocab: give a vocab.txt (there is none beside the checkpoint; "
                    + "upstream models use data/Emilia_ZH_EN_pinyin/vocab.txt)");
        }
        int vocabSize = VocabFile.size(vocab);

        String name = r.name() != null ? r.name() : ckpt.toAbsolutePath().getParent().getFileName().toString();
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new SettingException("name", name, "not a valid folder name");
        }
        Path target = r.outDir().resolve(name);
        checkTarget(target, r.force(), ckpt, vocab, r.config());

        StateDict sd = Checkpoints.load(ckpt, r.weights());
        VocabFile.explainShapeError(vocab, () -> DitShapes.require(sd.tensors(), config.arch(), vocabSize,
                config.melSpec().nMels(), ckpt.toString(), configSource));

        List<RawTensor> tensors = new ArrayList<>();
        for (RawTensor t : sd.tensors().values()) tensors.add(r.dtype() == null ? t : cast(t, r.dtype()));

        JsonObject prov = provenance(sd.info(), ckpt, configSource, vocab, vocabSize, r.dtype(), tensors.size());
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = AtomicFiles.temporary(abs, true);
            SafeTensors.write(tmp.resolve(ModelDir.MODEL), tensors, Map.of("format", "pt", "source", "f5j convert"));
            AtomicFiles.writeString(tmp.resolve(ModelDir.CONFIG), config.toYaml());
            byte[] vocabBytes = Files.readAllBytes(vocab);
            AtomicFiles.write(tmp.resolve(ModelDir.VOCAB), out -> out.write(vocabBytes));
            AtomicFiles.writeString(tmp.resolve(ModelDir.PROVENANCE), new GsonBuilder().setPrettyPrinting().create().toJson(prov) + "\n");
            readableByAll(tmp);
            // A folder cannot be renamed over another: move the old one (checked above to be f5j's own model
            // folder) aside first, delete it after. If the process dies in between, the next run's stale
            // temporary cleanup removes it.
            Path old = null;
            if (Files.exists(abs)) {
                checkTarget(target, true, ckpt, vocab, r.config());
                old = AtomicFiles.temporary(abs, true);
                Files.delete(old);
                AtomicFiles.renamed(old);
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.renamed(tmp);
            } catch (IOException e) {
                if (old != null) Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
                throw e;
            }
            tmp = null;
            if (old != null) AtomicFiles.release(old);
        } catch (IOException e) {
            throw new F5jException(target + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) AtomicFiles.release(tmp);
        }
        // Reload what was written, as every later user will.
        return ModelDir.load(target);
    }

    /**
     * The output folder may be replaced only when it is a model folder f5j wrote (nothing in it but the
     * four files convert writes, with f5j's provenance.json) and {@code --force} is given; it must never
     * hold an input. Anything else is refused, with or without --force, so no user file is ever deleted.
     */
    static void checkTarget(Path target, boolean force, Path... inputs) {
        Path real = realOrAbsolute(target);
        for (Path in : inputs) {
            if (in != null && realOrAbsolute(in).startsWith(real)) {
                throw new F5jException(target + ": the output folder holds the input " + in
                        + "; f5j never writes over its inputs: choose another name or output folder");
            }
        }
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new F5jException(target + ": exists and is not a model folder; choose another name or output folder");
        }
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> s = Files.list(target)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!OWN_FILES.contains(n) || !Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) foreign.add(n);
            }
        } catch (IOException e) {
            throw new F5jException(target + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (foreign.isEmpty() && !wroteProvenance(target.resolve(ModelDir.PROVENANCE))) foreign.add(ModelDir.PROVENANCE + " (not f5j's)");
        if (!foreign.isEmpty()) {
            String list = foreign.size() > 5 ? String.join(", ", foreign.subList(0, 5)) + ", ... (" + foreign.size() + " in all)"
                    : String.join(", ", foreign);
            throw new F5jException(target + ": already exists and holds files f5j did not write (" + list + "); f5j replaces"
                    + " only model folders it wrote itself: choose another name or output folder");
        }
        if (!force) throw new F5jException(target + ": already exists (a model folder f5j wrote; forcing replaces it)");
    }

    private static final java.util.Set<String> OWN_FILES = java.util.Set.of(ModelDir.MODEL, ModelDir.CONFIG, ModelDir.VOCAB, ModelDir.PROVENANCE);

    private static boolean wroteProvenance(Path prov) {
        try {
            if (!Files.isRegularFile(prov) || Files.size(prov) > 1 << 20) return false;
            return com.google.gson.JsonParser.parseString(Files.readString(prov)) instanceof JsonObject o && o.has("f5j_version");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Path realOrAbsolute(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            Path abs = p.toAbsolutePath().normalize();
            Path parent = abs.getParent();
            return parent != null && Files.exists(parent) ? realOrAbsolute(parent).resolve(abs.getFileName()) : abs;
        }
    }

    /** The checkpoint's folder name when a preset of that name exists in conf/. */
    private static String folderPreset(Path ckpt) {
        Path folder = ckpt.toAbsolutePath().getParent().getFileName();
        if (folder == null) return null;
        String n = folder.toString();
        return n.startsWith("F5TTS") && Files.isRegularFile(Presets.home().resolve("conf").resolve(n + ".yaml")) ? n : null;
    }

    private static JsonObject provenance(CheckpointInfo info, Path ckpt, String configSource, Path vocab, int vocabSize,
                                         DType dtype, int count) {
        JsonObject p = new JsonObject();
        p.addProperty("f5j_version", F5J_VERSION);
        p.addProperty("converted_at", Instant.now().toString());
        p.addProperty("source", ckpt.normalize().toString());  // as given: the sha256 pins the file
        p.addProperty("source_sha256", sha256(ckpt));
        p.addProperty("layout", info.layout());
        p.addProperty("state_dict", info.source());
        p.addProperty("weights", info.weights().label());
        if (info.update() != null) p.addProperty("update", info.update());
        if (info.emaStep() != null) p.addProperty("ema_step", info.emaStep());
        if (info.initted() != null) p.addProperty("ema_initted", info.initted());
        p.addProperty("dropped", String.join(", ", info.dropped()));
        p.addProperty("dtype", dtype == null ? "as stored" : dtype.safetensorsName);
        p.addProperty("tensors", count);
        p.addProperty("config", configSource);
        p.addProperty("vocab", vocab.normalize().toString());
        p.addProperty("vocab_sha256", sha256(vocab));
        p.addProperty("vocab_size", vocabSize);
        return p;
    }

    /** A floating tensor in another float dtype (round to nearest even); integer and bool tensors are kept. */
    static RawTensor cast(RawTensor t, DType to) {
        if (!t.dtype().isFloat() || t.dtype() == to) return t;
        float[] f = t.toFloats();
        MemorySegment out = MemorySegment.ofArray(new byte[f.length * to.size]);
        var f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < f.length; i++) {
            switch (to) {
                case F32 -> out.setAtIndex(f32, i, f[i]);
                case F16 -> out.setAtIndex(i16, i, Half.floatToF16(f[i]));
                case BF16 -> out.setAtIndex(i16, i, Half.floatToBf16(f[i]));
                default -> throw new IllegalArgumentException(to.toString());
            }
        }
        return new RawTensor(t.name(), to, t.shape(), out);
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchFileException e) {
            throw new F5jException(file + ": no such file");
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Temporary files and folders are created owner-only; a model folder is for everyone to read. */
    private static void readableByAll(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
