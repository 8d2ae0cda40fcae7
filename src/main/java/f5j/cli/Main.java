package f5j.cli;

import f5j.util.SettingException;
import f5j.util.F5jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code ./f5j} command line. Results go to stdout; progress, warnings and errors to stderr. */
@Command(name = "f5j", mixinStandardHelpOptions = true, version = "f5j " + f5j.util.Version.VERSION,
        description = "F5-TTS inference in pure Java: synthesis, golden verification, train-vs-infer audit.",
        subcommands = {ConvertCommand.class, GoldenCommand.class, SynthCommand.class, ServeCommand.class, VocodeCommand.class,
                AuditCommand.class, BenchCommand.class, DemoCommand.class})
public final class Main implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** Without a subcommand: the usage, on stderr, and the user-error status. */
    @Override
    public Integer call() { return usageError(spec); }

    static int usageError(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    public static void main(String[] args) {
        adoptStderr();
        System.exit(execute(args));
    }

    /**
     * ./f5j starts the JVM with its stderr in a file (the JVM prints its incubator-module warning there before
     * main) and the real stderr on fd {@code f5j.stderr-fd}. Make that fd 2 again (dup2, so the caller's file
     * offset stays shared with stdout as in {@code >log 2>&1}), then pass on what the JVM said at start-up,
     * that one warning left out.
     */
    private static void adoptStderr() {
        String fd = System.getProperty("f5j.stderr-fd"), boot = System.getProperty("f5j.jvm-err");
        if (fd == null || boot == null) return;
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var dup2 = linker.downcallHandle(linker.defaultLookup().find("dup2").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));
            if ((int) dup2.invokeExact(Integer.parseInt(fd), 2) != 2) return; // the launcher prints the file instead
            java.nio.file.Path f = java.nio.file.Path.of(boot);
            for (String line : java.nio.file.Files.readAllLines(f)) {
                if (!line.startsWith("WARNING: Using incubator modules")) System.err.println(line);
            }
            java.nio.file.Files.write(f, new byte[0]);
        } catch (Throwable e) {
            // stay as started: the launcher passes the file on at exit
        }
    }

    /** Runs the CLI and returns its exit status: 0 ok, 1 a check failed, 2 a user error. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setParameterExceptionHandler(Main::parameterError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof F5jException)) t = t.getCause();
            if (t == null) throw ex;
            cmd.getErr().println("f5j: " + translate((F5jException) t));
            return 2;
        });
        return cl.execute(args);
    }

    /** Settings of checkpoint loading and conversion (Checkpoints, Converter.Request) and their options. */
    private static final java.util.Map<String, String> LOADING_OPTIONS =
            java.util.Map.of("weights", "--weights", "dtype", "--dtype", "name", "--name");

    /** Library errors about a setting name it by its option here (a library user has no --nfe). */
    static String translate(F5jException e) {
        if (e instanceof SettingException s) {
            String option = SamplingOptions.optionFor(s.setting());
            if (option == null) option = LOADING_OPTIONS.get(s.setting());
            if (option != null) return option + " " + s.value() + ": " + s.problem();
        }
        return e.getMessage();
    }

    /**
     * Bad command lines, in one line each. An unknown option is named first (picocli would otherwise report
     * only the required options it then misses), with the closest known option as a suggestion.
     */
    private static int parameterError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        List<String> unknown = unknownOptions(cmd, args);
        String name = cmd.getCommandSpec().qualifiedName();
        if (!unknown.isEmpty()) {
            for (String u : unknown) {
                String hint = suggestion(cmd, u);
                err.println(name + ": " + u + ": unknown option" + (hint != null ? "; did you mean " + hint + "?" : ""));
            }
        } else if (ex instanceof picocli.CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !cmd.getSubcommands().isEmpty()) {
            List<String> near = u.getSuggestions();
            err.println(name + ": " + u.getUnmatched().getFirst() + ": unknown command"
                    + (near.isEmpty() ? " (" + String.join(", ", cmd.getSubcommands().keySet()) + ")" : "; did you mean " + near.getFirst() + "?"));
        } else {
            err.println(name + ": " + ex.getMessage());
        }
        err.println("(" + name + " --help lists the options)");
        return 2;
    }

    /** Arguments that look like options but that no (sub)command on the command line declares. */
    private static List<String> unknownOptions(CommandLine cmd, String[] args) {
        List<String> out = new ArrayList<>();
        boolean past = cmd.getParent() == null; // the root's options start at the first argument
        for (String a : args) {
            if (a.equals("--")) break;
            if (!past) { // only arguments after the failing command's own name
                past = a.equals(cmd.getCommandName());
                continue;
            }
            // a command's own options come before its subcommand's name (a misspelled one included)
            if (!a.startsWith("-") && !cmd.getSubcommands().isEmpty()) break;
            if (!a.startsWith("-") || a.equals("-") || isNumber(a)) continue;
            String opt = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (cmd.getCommandSpec().findOption(opt) == null && !out.contains(opt)) out.add(opt);
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The declared option nearest to {@code typo} by edit distance, if it is near enough to be meant. */
    private static String suggestion(CommandLine cmd, String typo) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (var o : cmd.getCommandSpec().options()) {
            for (String n : o.names()) {
                int d = distance(typo, n);
                if (d < bestD) {
                    bestD = d;
                    best = n;
                }
            }
        }
        return best != null && bestD <= Math.max(2, typo.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
