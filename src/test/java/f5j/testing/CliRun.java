package f5j.testing;

import f5j.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One {@code ./f5j} command run in-process, its stdout and stderr captured. */
public record CliRun(int rc, byte[] stdout, String err) {
    public String out() { return new String(stdout, StandardCharsets.UTF_8); }

    public static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = System.out, e = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int rc = Main.execute(args);
            return new CliRun(rc, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }
}
