package f5j.cli;

import f5j.compute.Backend;
import picocli.CommandLine.Option;

/** {@code --backend}, shared by every command that runs kernels. */
final class BackendOption {
    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "how kernels run: cpu (SIMD, all cores), reference (plain kernels, one thread), cpu-plan "
                    + "(the device plan path on the CPU) or tornado (TornadoVM; build with -Ptornadovm) "
                    + "(default ${DEFAULT-VALUE})")
    String name;

    Backend backend() { return Backends.byName(name); }
}
