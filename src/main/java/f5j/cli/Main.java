package f5j.cli;

import f5j.util.F5jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./f5j} command line. */
@Command(name = "f5j", mixinStandardHelpOptions = true, version = "f5j " + f5j.util.Version.VERSION,
        description = "F5-TTS inference in pure Java: synthesis, golden verification, train-vs-infer audit.",
        subcommands = {ConvertCommand.class, GoldenCommand.class, SynthCommand.class, ServeCommand.class, VocodeCommand.class,
                AuditCommand.class, BenchCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) { System.exit(execute(args)); }

    /** Runs the CLI and returns its exit status: 0 ok, 1 a check failed, 2 a user error. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof F5jException)) t = t.getCause();
            if (t != null) {
                cmd.getErr().println("f5j: " + t.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
