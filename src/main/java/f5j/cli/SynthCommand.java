package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class SynthCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j synth: not implemented yet");
        return 3;
    }
}
