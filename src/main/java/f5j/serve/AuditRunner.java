package f5j.serve;

import f5j.audit.Audit;
import f5j.audit.ReportWriter;
import f5j.compute.Backend;
import f5j.compute.Precision;
import f5j.config.ModelConfig;
import f5j.infer.SynthSettings;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The server's one call into the audit, made as {@code ./f5j audit} makes it: options in, report.json and
 * report.html (and the two WAVs when a vocoder is given) written into {@code out}.
 */
final class AuditRunner {
    private AuditRunner() {}

    record Request(Path checkpoint, Path vocab, ModelConfig config, String configSource, Path refAudio, String refText,
                   String genText, String datasetText, long seed, String trainPrecision, String precision, int nfe,
                   double cfg, double sway, Path vocoder, Backend backend) {}

    static void run(Request q, Path out, Consumer<String> log) {
        SynthSettings d = SynthSettings.defaults();
        Audit.Options o = new Audit.Options(q.checkpoint(), q.vocab(), null, q.config(), null, q.configSource(),
                q.refAudio(), q.refText(), q.genText(), q.datasetText(), q.seed(),
                Precision.parse(q.trainPrecision(), "train_precision"), Precision.parse(q.precision(), "precision"),
                new SynthSettings(q.nfe(), q.cfg(), q.sway(), d.speed(), d.fixDuration(), d.targetRms(), d.crossFadeSeconds(), d.method()),
                f5j.audit.EmaRecipe.UPSTREAM, q.vocoder(), q.backend());
        ReportWriter.write(Audit.run(o, log), out);
    }
}
