package f5j.cli;

import f5j.compute.Backend;
import f5j.config.ModelConfig;
import f5j.config.Presets;
import f5j.infer.Synthesizer;
import f5j.text.Vocab;
import f5j.util.F5jException;
import f5j.vocoder.Vocos;
import f5j.weights.Checkpoints;
import f5j.weights.DitShapes;
import f5j.weights.ModelDir;
import f5j.weights.RawTensor;
import f5j.weights.VocabFile;
import f5j.weights.Weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code synth --model} names: a converted model folder (the fast path), or a checkpoint file
 * ({@code model_N.pt}, a pruned {@code .pt}, a {@code .safetensors}) converted in memory with its config
 * ({@code --model-cfg} YAML, {@code --preset}, or model.yaml beside it) and vocab ({@code --vocab}, or
 * vocab.txt beside it) — upstream infer_cli's {@code -m NAME -p CKPT -v VOCAB}.
 */
record ModelSource(Path folder, Path checkpoint, Path modelCfg, String preset, Path vocab, Weights weights) {
    static Weights weights(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "ema" -> Weights.EMA;
            case "online" -> Weights.ONLINE;
            default -> throw new F5jException("--weights " + s + ": use ema or online");
        };
    }

    /**
     * @param model    {@code -m}: a folder, a checkpoint file, or (with {@code ckpt}) a preset name as upstream's -m
     * @param ckpt     {@code -p}: a checkpoint file
     */
    static ModelSource of(Path model, Path ckpt, Path modelCfg, String preset, Path vocab, Weights w) {
        if (modelCfg != null && preset != null) throw new F5jException("give --model-cfg or --preset, not both");
        String presetName = preset;
        if (ckpt != null && model != null) {
            if (!Files.exists(model) && Files.isRegularFile(Presets.home().resolve("conf").resolve(model + ".yaml")) && presetName == null) {
                presetName = model.toString(); // upstream: -m F5TTS_v1_Base -p model.pt
            } else {
                throw new F5jException("--model " + model + " with --ckpt-file " + ckpt + ": give one checkpoint "
                        + "(--model may name a preset with --ckpt-file, e.g. -m F5TTS_v1_Base -p model_1250000.pt)");
            }
        }
        Path file = ckpt != null ? ckpt : model != null && Files.isRegularFile(model) ? model : null;
        if (file == null) {
            Path dir = model != null ? model : SynthRun.bundledModel();
            if (!Files.isDirectory(dir)) {
                throw new F5jException("--model " + dir + ": no such model folder or checkpoint file");
            }
            if (modelCfg != null || presetName != null || vocab != null) {
                throw new F5jException("--model " + dir + " is a converted folder: it holds its config and vocab "
                        + "(--model-cfg, --preset and --vocab are for a checkpoint file)");
            }
            return new ModelSource(dir, null, null, null, null, w);
        }
        return new ModelSource(null, file, modelCfg, presetName, vocab, w);
    }

    /** The files to read, for the output-is-not-an-input check. */
    Path[] inputs() {
        return folder != null ? new Path[] {folder.resolve(ModelDir.MODEL), folder.resolve(ModelDir.VOCAB)}
                : new Path[] {checkpoint, vocab != null ? vocab : checkpoint};
    }

    Synthesizer load(Path vocoder, Backend be) {
        if (folder != null) {
            SynthRun.requireDir(folder, "--model", ModelDir.CONFIG, ModelDir.VOCAB);
            return Synthesizer.load(folder, vocoder, be);
        }
        if (!Files.isRegularFile(checkpoint)) throw new F5jException(checkpoint + ": no such checkpoint file");
        Path beside = checkpoint.toAbsolutePath().getParent();
        ModelConfig config;
        String configSource;
        if (modelCfg != null) {
            config = ModelConfig.load(modelCfg);
            configSource = modelCfg.toString();
        } else if (preset != null) {
            config = ModelConfig.preset(preset);
            configSource = "preset " + preset;
        } else if (Files.isRegularFile(beside.resolve(ModelDir.CONFIG))) {
            configSource = beside.resolve(ModelDir.CONFIG).toString();
            config = ModelConfig.load(beside.resolve(ModelDir.CONFIG));
        } else {
            throw new F5jException(checkpoint + ": no model config: give --model-cfg model.yaml or --preset NAME "
                    + "(F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small)");
        }
        Path v = vocab != null ? vocab : beside.resolve(ModelDir.VOCAB);
        if (!Files.isRegularFile(v)) {
            throw new F5jException(vocab != null ? vocab + ": no such vocab file"
                    : checkpoint + ": no vocab.txt beside the checkpoint; give --vocab vocab.txt");
        }
        if (!config.melSpec().melSpecType().equals("vocos")) {
            throw new F5jException(configSource + ": mel_spec_type " + config.melSpec().melSpecType() + " is not supported (only vocos)");
        }
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(checkpoint, weights);
        DitShapes.require(sd, config.arch(), VocabFile.size(v), config.melSpec().nMels(), checkpoint.toString(), configSource);
        return new Synthesizer(config, sd, Vocab.load(v), Vocos.load(vocoder, be), be);
    }

    String label() { return folder != null ? folder.toString() : checkpoint + " (" + weights.label() + " weights, converted in memory)"; }
}
