package f5j.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the PyTorch scripts under tools/ from tests (which skip where torch is missing). */
public final class Python {
    private Python() {}

    /** Debian's interpreter, where python3-torch installs, ahead of whatever python3 comes first on PATH. */
    public static final String PY = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    /** Runs PY with the arguments, output to {@code log}; the exit code, or -1 after a 120 s timeout. */
    public static int run(Path log, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(PY);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    public static boolean hasTorch(Path log) throws Exception { return run(log, List.of("-c", "import torch")) == 0; }
}
