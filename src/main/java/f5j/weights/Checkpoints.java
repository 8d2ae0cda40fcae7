package f5j.weights;

import f5j.util.F5jException;
import f5j.util.SettingException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model's state dict from any of the layouts upstream produces, as upstream's
 * {@code load_checkpoint} does: a trainer checkpoint {@code model_N.pt} ({@code model_state_dict} = online
 * weights, {@code ema_model_state_dict} = {@code ema_model.}-prefixed EMA weights plus {@code initted} and
 * {@code step}), a pruned .pt with only {@code ema_model_state_dict}, a released {@code .safetensors}
 * ({@code ema_model.}-prefixed EMA weights, or already unprefixed), or a .pt/.bin holding one flat state
 * dict (Vocos' pytorch_model.bin). Legacy {@code mel_spec.mel_stft.*} buffers are dropped.
 */
public final class Checkpoints {
    static final String EMA_PREFIX = "ema_model.";
    static final String EMA_DICT = "ema_model_state_dict", ONLINE_DICT = "model_state_dict";
    private static final List<String> EMA_BOOKKEEPING = List.of("initted", "step");
    private static final String LEGACY_MEL = "mel_spec.mel_stft.";

    private Checkpoints() {}

    /** The chosen weights under CFM names ({@code transformer.…}). */
    public static Map<String, RawTensor> loadStateDict(Path file, Weights choice) { return load(file, choice).tensors(); }

    /** The chosen weights and where they came from. */
    public static StateDict load(Path file, Weights choice) {
        return file.getFileName().toString().endsWith(".safetensors") ? loadSafetensors(file, choice) : loadTorch(file, choice);
    }

    private static StateDict loadSafetensors(Path file, Weights choice) {
        Map<String, RawTensor> all = new LinkedHashMap<>();
        for (RawTensor t : SafeTensors.openManaged(file).tensors()) all.put(t.name(), t);
        boolean prefixed = all.keySet().stream().anyMatch(k -> k.startsWith(EMA_PREFIX));
        if (prefixed && choice == Weights.ONLINE) {
            throw new SettingException("weights", "online", file + ": holds only EMA weights (ema_model.* names), no online weights; load the EMA weights");
        }
        return finish(file, prefixed ? "safetensors" : "safetensors (unprefixed)", choice, "file", all, null);
    }

    private static StateDict loadTorch(Path file, Weights choice) {
        TorchCheckpoint ck = TorchCheckpoint.open(file);
        Map<Object, Object> root = ck.rootDict();
        Object ema = root.get(EMA_DICT), online = root.get(ONLINE_DICT);
        if (ema == null && online == null) {
            // One flat state dict (Vocos' pytorch_model.bin, or an EMA dict saved on its own).
            boolean prefixed = root.keySet().stream().anyMatch(k -> String.valueOf(k).startsWith(EMA_PREFIX));
            if (prefixed && choice == Weights.ONLINE) {
                throw new SettingException("weights", "online", file + ": holds only EMA weights (ema_model.* names), no online weights; load the EMA weights");
            }
            return finish(file, "state_dict", choice, "file", ck.tensors(root, ""), null);
        }
        Long update = number(root.get("update"));
        if (update == null) update = number(root.get("step"));
        String layout = online != null ? "trainer" : "pruned";
        String key = choice == Weights.EMA ? EMA_DICT : ONLINE_DICT;
        Object chosen = choice == Weights.EMA ? ema : online;
        if (chosen == null) {
            throw new SettingException("weights", choice.name().toLowerCase(java.util.Locale.ROOT), file + ": has no " + key
                    + (choice == Weights.ONLINE ? " (a pruned checkpoint holds only the EMA weights; load those)"
                    : " (only online weights; load those)"));
        }
        if (!(chosen instanceof Map<?, ?> dict)) {
            throw new F5jException(file + ": " + key + " is a " + TorchCheckpoint.describe(chosen) + ", not a dict");
        }
        return finish(file, layout, choice, key, ck.tensors(dict, ""), update);
    }

    /** Strips the EMA prefix, separates EMA bookkeeping and legacy mel buffers, as upstream load_checkpoint. */
    private static StateDict finish(Path file, String layout, Weights choice, String source, Map<String, RawTensor> raw, Long update) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        Long step = null;
        Boolean initted = null;
        for (Map.Entry<String, RawTensor> e : raw.entrySet()) {
            String k = e.getKey();
            if (EMA_BOOKKEEPING.contains(k)) {
                RawTensor t = e.getValue();
                if (k.equals("step") && t.numel() == 1) step = t.toLongs()[0];
                if (k.equals("initted") && t.numel() == 1) initted = t.toLongs()[0] != 0;
                dropped.add(k);
                continue;
            }
            String name = k.startsWith(EMA_PREFIX) ? k.substring(EMA_PREFIX.length()) : k;
            if (name.startsWith(LEGACY_MEL)) {
                dropped.add(k);
                continue;
            }
            RawTensor t = e.getValue();
            t.requireFinite(file);
            if (out.put(name, new RawTensor(name, t.dtype(), t.shape(), t.data())) != null) {
                throw new F5jException(file + ": tensor " + name + " appears both with and without the ema_model. prefix");
            }
        }
        if (out.isEmpty()) throw new F5jException(file + ": the " + source + " state dict holds no tensors");
        return new StateDict(out, new CheckpointInfo(file, layout, choice, source, update, step, initted, List.copyOf(dropped)));
    }

    private static Long number(Object o) {
        if (o instanceof Number n) return n.longValue();
        if (o instanceof TorchCheckpoint.TensorRef t && t.numel() == 1) return t.load("update").toLongs()[0];
        return null;
    }
}
