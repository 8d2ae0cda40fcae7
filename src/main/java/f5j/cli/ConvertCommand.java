package f5j.cli;

import f5j.tensor.DType;
import f5j.util.F5jException;
import f5j.weights.Converter;
import f5j.weights.ModelDir;
import f5j.weights.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import an F5-TTS checkpoint (trainer model_N.pt, pruned .pt, or .safetensors) into a model folder "
                + "OUT-DIR/NAME: model.safetensors (state dict under upstream CFM names), model.yaml, vocab.txt, provenance.json.",
                "Every tensor's shape is checked against the config and vocab first; nothing in the checkpoint is executed."})
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "model_N.pt, pruned .pt or .safetensors")
    Path checkpoint;
    @Option(names = "--config", paramLabel = "YAML", description = "architecture in the upstream config layout (default: model.yaml beside the checkpoint, else the preset named like its folder)")
    Path config;
    @Option(names = "--preset", paramLabel = "NAME", description = "architecture from conf/: F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small")
    String preset;
    @Option(names = "--vocab", paramLabel = "TXT", description = "the model's vocab.txt (default: vocab.txt beside the checkpoint)")
    Path vocab;
    @Option(names = "--weights", defaultValue = "ema", paramLabel = "ema|online", description = "EMA weights (default, as upstream inference) or the trainer's online weights")
    String weights;
    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", description = "store floating tensors in this dtype (default: as in the checkpoint)")
    String dtype;
    @Option(names = "--name", paramLabel = "NAME", description = "model folder name (default: the checkpoint's folder name)")
    String name;
    @Option(names = "--out-dir", defaultValue = "weights", paramLabel = "DIR", description = "where model folders go (default: ${DEFAULT-VALUE})")
    Path outDir;
    @Option(names = "--force", description = "replace an existing model folder of that name")
    boolean force;

    @Override
    public Integer call() {
        if (config != null && preset != null) throw new F5jException("give --config or --preset, not both");
        Weights w = switch (weights.toLowerCase(Locale.ROOT)) {
            case "ema" -> Weights.EMA;
            case "online" -> Weights.ONLINE;
            default -> throw new F5jException("--weights " + weights + ": use ema or online");
        };
        DType dt = dtype == null ? null : switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> DType.F32;
            case "f16", "fp16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new F5jException("--dtype " + dtype + ": use f32, f16 or bf16");
        };
        ModelDir m = Converter.convert(new Converter.Request(checkpoint, config, preset, vocab, w, dt, outDir, name, force));
        System.out.println("wrote " + m.dir() + ": " + m.stateDict().size() + " tensors (" + w.label() + " weights), "
                + ModelDir.CONFIG + ", " + ModelDir.VOCAB + ", " + ModelDir.PROVENANCE);
        return 0;
    }
}
