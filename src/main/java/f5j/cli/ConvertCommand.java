package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class ConvertCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j convert: not implemented yet");
        return 3;
    }
}
