package f5j.cli;

import f5j.compute.Backend;
import f5j.infer.Synthesizer;
import f5j.serve.F5jServer;
import f5j.serve.ServeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve one loaded model over HTTP: POST /v1/synth (WAV), /v1/synth/stream (server-sent events "
                + "as chunks finish), /v1/audit; GET /v1/health, /v1/info; a web page at /.",
                "Requests run one at a time on the shared model; --queue more may wait, the rest get 503."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the bundled weights/f5tts-tiny-v1, random weights)") Path model;
    @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder (default: the bundled weights/vocos-tiny)") Path vocoder;
    @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado (default ${DEFAULT-VALUE})") String backend;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE}: this machine only)") String host;
    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)") int port;
    @Option(names = "--queue", defaultValue = "16", paramLabel = "N", description = "requests that may wait while one runs (default ${DEFAULT-VALUE})") int queue;
    @Option(names = "--timeout", defaultValue = "300", paramLabel = "S", description = "time limit per request in seconds, queueing included (default ${DEFAULT-VALUE})") long timeout;
    @Option(names = "--max-upload-mb", defaultValue = "50", paramLabel = "MB", description = "largest synthesis request body (default ${DEFAULT-VALUE})") long maxUploadMb;
    @Option(names = "--max-checkpoint-mb", defaultValue = "4096", paramLabel = "MB", description = "largest audit request body (default ${DEFAULT-VALUE})") long maxCheckpointMb;
    @Option(names = "--voices", paramLabel = "DIR", description = "server-side voices: NAME.wav + NAME.txt (its transcript)") Path voices;
    @Option(names = "--checkpoints", paramLabel = "DIR", description = "server-side checkpoints the audit may name") Path checkpoints;
    @Option(names = "--work", paramLabel = "DIR", description = "uploads in flight and audit reports (default: a temporary folder, removed on exit)") Path work;

    @Override
    public Integer call() throws InterruptedException {
        Path m = model != null ? model : SynthRun.bundledModel(), v = vocoder != null ? vocoder : SynthRun.bundledVocoder();
        SynthRun.requireDir(m, "--model", "model.yaml", "vocab.txt");
        SynthRun.requireDir(v, "--vocoder", "config.yaml", "pytorch_model.bin");
        Backend b = Backends.byName(backend);
        long t0 = System.nanoTime();
        Synthesizer synth = Synthesizer.load(m, v, b);
        ServeOptions o = new ServeOptions(m, v, backend, b, host, port, queue, Duration.ofSeconds(timeout),
                maxUploadMb << 20, maxCheckpointMb << 20, voices, checkpoints, work);
        F5jServer server = F5jServer.start(o, synth, System.err);
        System.err.printf("f5j serve: model %s loaded in %.1f s; listening on %s (Ctrl-C stops)%n", m,
                (System.nanoTime() - t0) / 1e9, server.uri());
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            System.err.println("f5j serve: warning: listening beyond this machine (--host " + host + "); the API has no "
                    + "authentication, so put it behind a proxy that has");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("f5j serve: shutting down");
            server.close();
        }, "f5j-serve-shutdown"));
        server.join();
        return 0;
    }
}
