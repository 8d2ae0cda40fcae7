package f5j.cli;

import f5j.compute.Backend;
import f5j.compute.Precision;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --device-weights}, shared by every command that runs kernels. */
final class BackendOption {
    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "how kernels run: cpu (SIMD, all cores), reference (plain kernels, one thread), cpu-plan "
                    + "(the device plan path on the CPU) or tornado (TornadoVM; build with -Ptornadovm) "
                    + "(default ${DEFAULT-VALUE})")
    String name;
    @Option(names = "--device-weights", defaultValue = "fp32", paramLabel = "FORMAT",
            description = "with --backend tornado: how linear weights are stored on the device, fp32, fp16 or bf16 "
                    + "(16-bit: half the device memory and upload, rounded once at upload, fp32 accumulation; "
                    + "golden verify then widens its tolerances, see README) (default ${DEFAULT-VALUE})")
    String deviceWeights;

    Backend backend() { return Backends.byName(name, deviceWeights()); }

    Precision deviceWeights() { return Precision.parse(deviceWeights, "--device-weights"); }
}
