package f5j.golden;

import java.nio.file.Path;

/**
 * Checkpoint files (model_N.pt, pruned .pt, model.safetensors, Vocos pytorch_model.bin) have no kind:
 * verifying one checks that every tensor loads bit-exactly and that all layouts agree.
 */
final class CheckpointKind {
    private CheckpointKind() {}

    static boolean handles(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".pt") || n.endsWith(".bin") || n.equals("model.safetensors")
                || n.equals("model_online.safetensors");
    }

    static void verify(Path file, VerifyOptions options, GoldenReport report) {
        report.skip(file.getFileName().toString(), "checkpoint checks are not implemented yet");
    }
}
