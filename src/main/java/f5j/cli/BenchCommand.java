package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j bench: not implemented yet");
        return 3;
    }
}
