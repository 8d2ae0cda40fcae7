package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j demo: not implemented yet");
        return 3;
    }
}
