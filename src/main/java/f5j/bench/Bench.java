package f5j.bench;

import f5j.audio.MelSpectrogram;
import f5j.compute.Backend;
import f5j.compute.OpProfile;
import f5j.compute.Parallel;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanExecutor;
import f5j.config.DitArch;
import f5j.config.MelSpecConfig;
import f5j.dit.DiT;
import f5j.sampler.GuidedFlow;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.vocoder.Vocos;
import f5j.vocoder.VocosConfig;
import f5j.weights.RawTensor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times the pieces of synthesis with the shapes of a real run: one CFG-packed DiT forward (batch 1 in,
 * conditional and unconditional rows out), a Vocos decode and a mel spectrogram, each over
 * {@code frames} mel frames. Results are medians over repeats after one warm-up run; the process CPU time
 * of each run is reported too, because on a shared machine wall time depends on the other load.
 */
public final class Bench {
    /** What to run. {@code profileBackend}, when set, is the profiled wrapper the DiT was loaded with. */
    public record Setup(String label, DitArch arch, Map<String, RawTensor> ditWeights, VocosConfig vocosConfig,
                        Map<String, RawTensor> vocosWeights, MelSpecConfig mel, Backend backend, int frames,
                        int repeat, long seed, OpProfile profile) {}

    private Bench() {}

    /**
     * Multiply-adds x2 of one ODE step's CFG-packed forward of {@code n} frames, the text embeddings cached
     * as the sampler does (tools/bench_pytorch.py counts the same).
     */
    public static double ditFlops(DitArch a, int melDim, int n) {
        double d = a.dim(), td = a.textDim(), rows = 2.0 * n, inner = a.innerDim();
        double input = rows * (2 * melDim + td) * d * 2 + 2 * rows * d * (d / 16) * 31 * 2;
        double block = rows * (3 * d * inner + inner * d + 2 * d * d * a.ffMult()) * 2
                + 2.0 * 2 * a.heads() * (double) n * n * a.dimHead() * 2;
        return input + a.depth() * block + rows * d * melDim * 2;
    }

    public static Map<String, Object> run(Setup s) {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("impl", "f5j " + s.backend().name());
        res.put("model", s.label());
        res.put("frames", s.frames());
        res.put("threads", s.backend().name().equals("reference") ? 1 : Parallel.threads());
        res.put("repeat", s.repeat());
        long params = 0;
        for (RawTensor t : s.ditWeights().values()) params += t.numel();
        res.put("weights_mb", round(params * 4 / 1048576.0, 1));

        // A plan backend is profiled by its plan's per-step (device kernel) times, others op by op on the host.
        boolean planProfile = s.profile() != null && s.backend() instanceof f5j.compute.plan.PlanCompiler;
        Backend be = s.profile() != null && !planProfile ? s.profile().backend() : s.backend();
        DiT dit = DiT.load(s.ditWeights(), s.arch(), be);
        int n = s.frames(), mel = dit.melDim();
        SplittableRandom rnd = new SplittableRandom(s.seed());
        Tensor x = new Tensor(gaussian(rnd, n * mel), 1, n, mel);
        Tensor cond = new Tensor(gaussian(rnd, n * mel), 1, n, mel);
        long[][] text = new long[1][Math.max(1, n / 4)]; // ~4 frames per token, as in real prompts
        for (int i = 0; i < text[0].length; i++) text[0][i] = rnd.nextInt(dit.textNumEmbeds());
        float[] time = {0.5f};
        double[] ditCpu = new double[s.repeat()];
        // One ODE step's flow evaluation as the sampler runs it (guidance, cached text embeddings). On a plan
        // backend the first call captures the plan (on the host), time()'s warm-up call is the plan's first
        // device run (compilation, weight upload), the timed calls upload x, the time and the sample's tables.
        GuidedFlow flow = new GuidedFlow(dit, cond, text, 2.0, Trace.OFF);
        float[] xs = x.data;
        flow.eval(time[0], xs);
        PlanExecutor planned = flow.plan();
        long[] firstUpload = {-1};
        Runnable forward = () -> {
            flow.eval(time[0], xs);
            if (planned != null && firstUpload[0] < 0) firstUpload[0] = planned.lastRunUploadBytes(); // warm-up: weights too
        };
        if (planned != null) {
            res.put("execution", "captured plan, replayed");
            res.put("plan_frames", flow.planFrames());
        }
        double[] ditTimes = time(s.repeat(), forward, planProfile ? null : s.profile(), ditCpu);
        double profiledRun = 0;
        if (planProfile && planned != null && planned.profileSteps(true)) {
            long p0 = System.nanoTime();
            forward.run(); // one more step, timed kernel by kernel: the profile below is per forward either way
            profiledRun = (System.nanoTime() - p0) / 1e9;
            for (PlanExecutor.StepTime st : planned.lastRunSteps()) s.profile().record(st.op(), st.seconds());
            planned.profileSteps(false);
            res.put("profile", "plan steps (device kernel time), one forward");
        }
        double ditS = median(ditTimes);
        double flops = ditFlops(s.arch(), mel, n);
        res.put("dit_forward_s", round(ditS, 4));
        res.put("dit_forward_all_s", Arrays.stream(ditTimes).map(v -> round(v, 4)).boxed().toList());
        res.put("dit_forward_cpu_s", round(median(ditCpu), 4));
        res.put("gflops", round(flops / ditS / 1e9, 1));
        res.put("dit_tflop", round(flops / 1e12, 4));
        flow.close();
        if (planned != null) {
            res.put("compile_s", round(planned.compileSeconds(), 3));
            res.put("device_upload_mb", round(planned.lastRunUploadBytes() / 1048576.0, 3)); // per forward, after the first
            res.put("device_first_upload_mb", round(firstUpload[0] / 1048576.0, 1));
            otherLength(res, dit, x, cond, text, time[0]);
        }
        if (s.profile() != null) {
            List<OpProfile.Entry> prof = s.profile().entries();
            int runs = planProfile ? 1 : ditTimes.length;
            Map<String, Object> p = new LinkedHashMap<>(), g = new LinkedHashMap<>();
            double inOps = 0;
            for (OpProfile.Entry e : prof) {
                inOps += e.seconds();
                p.put(e.op(), round(e.seconds() / runs, 4));
                if (e.flops() > 0 && e.seconds() > 0) g.put(e.op(), round(e.flops() / e.seconds() / 1e9, 2));
            }
            double mean = planProfile ? profiledRun : Arrays.stream(ditTimes).average().orElse(0);
            p.put(planProfile ? "outside kernels" : "outside backend", round(mean - inOps / runs, 4));
            res.put("dit_profile_s", p);
            res.put("dit_profile_gflops", g);
        }

        if (s.vocosWeights() != null) {
            Vocos vocos = Vocos.fromStateDict(s.vocosWeights(), s.vocosConfig(), s.backend());
            Tensor feats = new Tensor(gaussian(rnd, s.vocosConfig().inputChannels() * n), 1,
                    s.vocosConfig().inputChannels(), n);
            double[] vCpu = new double[s.repeat()];
            double[] vt = time(s.repeat(), () -> vocos.decode(feats, Trace.OFF), null, vCpu);
            res.put("vocos_decode_s", round(median(vt), 4));
            res.put("vocos_all_s", Arrays.stream(vt).map(v -> round(v, 4)).boxed().toList());
            res.put("vocos_decode_cpu_s", round(median(vCpu), 4));
            // 32 steps (upstream's default NFE) and the decode, over the duration of n frames of audio
            double audioS = (double) n * s.mel().hopLength() / s.mel().sampleRate();
            res.put("rtf_nfe32", round((32 * ditS + median(vt)) / audioS, 4));
        }
        MelSpectrogram ms = new MelSpectrogram(s.mel());
        float[] wav = new float[(n - 1) * s.mel().hopLength()];
        for (int i = 0; i < wav.length; i++) wav[i] = (float) (rnd.nextDouble() * 2 - 1) * 0.3f;
        res.put("mel_s", round(median(time(s.repeat(), () -> ms.compute(wav), null, null)), 4));
        res.put("peak_rss_mb", round(peakRssMb(), 1));
        return res;
    }

    /** Wall seconds of each timed run; the process CPU seconds of each go to {@code cpu} when not null. */
    /**
     * A sample one frame shorter: on a backend that pads plans to frame buckets it reuses the plan just
     * compiled (compile_s 0, its first device run as fast as any), where one built per length compiles again.
     */
    private static void otherLength(Map<String, Object> res, DiT dit, Tensor x, Tensor cond, long[][] text, float time) {
        int n = x.dim(1) - 1, mel = dit.melDim();
        if (n < 1) return;
        Tensor c = new Tensor(Arrays.copyOf(cond.data, n * mel), 1, n, mel);
        float[] xs = Arrays.copyOf(x.data, n * mel);
        try (GuidedFlow f = new GuidedFlow(dit, c, text, 2.0, Trace.OFF)) {
            f.eval(time, xs); // capture
            long t0 = System.nanoTime();
            f.eval(time, xs); // first device run
            res.put("other_length_frames", n);
            res.put("other_length_plan_frames", f.planFrames());
            res.put("other_length_compile_s", round(f.plan().compileSeconds(), 3));
            res.put("other_length_first_step_s", round((System.nanoTime() - t0) / 1e9, 4));
        }
    }

    private static double[] time(int repeat, Runnable r, OpProfile profile, double[] cpu) {
        r.run(); // warm-up: JIT, scratch buffers
        if (profile != null) profile.reset();
        double[] t = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long c0 = processCpuNanos(), t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
            if (cpu != null) cpu[i] = (processCpuNanos() - c0) / 1e9;
        }
        return t;
    }

    /** CPU time of the whole process (all threads, JIT and GC included), in ns. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0L;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i += 2) { // Box-Muller
            double u = Math.max(rnd.nextDouble(), 1e-300), v = rnd.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u));
            a[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < n) a[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
        }
        return a;
    }

    /** VmHWM of this process (peak resident set), in MiB; -1 where /proc is not available. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** The human-readable table of a result. */
    public static String table(Map<String, Object> res) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : res.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                sb.append(e.getKey()).append(" (mean per forward, by backend operation):\n");
                m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "    %-36s %10s%n", k, v)));
            } else {
                sb.append(String.format(Locale.ROOT, "%-40s %s%n", e.getKey(), e.getValue()));
            }
        }
        return sb.toString();
    }
}
