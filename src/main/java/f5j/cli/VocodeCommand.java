package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "vocode", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class VocodeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j vocode: not implemented yet");
        return 3;
    }
}
