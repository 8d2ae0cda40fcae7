package f5j.compute.tornado;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading per-step kernel times out of TornadoVM's profiler log: the JSON its TimeProfiler.createJson
 * writes per graph execution (a graph section holding one flat object per task, keyed "graph.task"),
 * several sections concatenated when graphs run one by one.
 */
class ProfileLogTest {
    private static String section(String graph, String... tasks) {
        StringBuilder sb = new StringBuilder("{\n    \"" + graph + "\": {\n        \"TOTAL_KERNEL_TIME\": \"999\",\n");
        for (int i = 0; i < tasks.length; i += 2) {
            sb.append("        \"").append(graph).append('.').append(tasks[i]).append("\": {\n")
                    .append("            \"BACKEND\": \"OPENCL\",\n            \"METHOD\": \"TornadoKernels.linear\",\n")
                    .append("            \"TASK_COMPILE_GRAAL_TIME\": \"5\",\n")
                    .append("            \"TASK_KERNEL_TIME\": \"").append(tasks[i + 1]).append("\"\n        }")
                    .append(i + 2 < tasks.length ? ", " : "").append('\n');
        }
        return sb.append("    }\n}\n").toString();
    }

    @Test
    void kernelTimesAreSummedPerStepAcrossGraphs() {
        String log = section("f5j3_0", "s0", "100", "s1", "250", "s2a", "40", "s2n", "5", "s2b", "60")
                + section("f5j3_1", "s40", "7");
        assertThat(TornadoPlanExecutor.kernelNanos(log)).isEqualTo(Map.of(0, 100L, 1, 250L, 2, 105L, 40, 7L));
    }

    @Test
    void aTaskLoggedTwiceCountsOnce() {
        String log = section("f5j3_0", "s0", "100") + section("f5j3_0", "s0", "120");
        assertThat(TornadoPlanExecutor.kernelNanos(log)).isEqualTo(Map.of(0, 120L));
    }
}
