package f5j.serve;

import f5j.bench.RandomWeights;
import f5j.config.ModelConfig;
import f5j.config.Presets;
import f5j.vocoder.VocosConfig;
import f5j.weights.SafeTensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * For measuring {@code f5j serve} at full size: writes an F5TTS_v1_Base model folder with random (seeded)
 * weights, as {@code ./f5j bench} makes them, and the Emilia vocab; and the random vocos-mel-24khz weights
 * as vocos.safetensors beside a config.yaml (a torch.save of them gives the pytorch_model.bin a Vocos folder
 * needs; see the README's serve section). Usage: RandomBaseModel OUT_DIR
 */
public final class RandomBaseModel {
    private RandomBaseModel() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path model = Files.createDirectories(out.resolve("F5TTS_v1_Base-random")), voc = Files.createDirectories(out.resolve("vocos-random"));
        ModelConfig mc = ModelConfig.preset("F5TTS_v1_Base");
        Files.copy(Presets.path("F5TTS_v1_Base"), model.resolve("model.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("src/test/resources/goldens/vocab_emilia.txt"), model.resolve("vocab.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SafeTensors.write(model.resolve("model.safetensors"),
                RandomWeights.dit(mc.arch(), RandomWeights.DEFAULT_TEXT_ROWS, mc.melSpec().nMels(), 0).values(), Map.of());
        Path vc = Presets.path("vocos-mel-24khz");
        Files.copy(vc, voc.resolve("config.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SafeTensors.write(voc.resolve("vocos.safetensors"), RandomWeights.vocos(VocosConfig.load(vc), 1).values(), Map.of());
        System.out.println("wrote " + model + " and " + voc);
    }
}
