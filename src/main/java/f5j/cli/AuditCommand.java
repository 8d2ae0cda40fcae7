package f5j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class AuditCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("f5j audit: not implemented yet");
        return 3;
    }
}
