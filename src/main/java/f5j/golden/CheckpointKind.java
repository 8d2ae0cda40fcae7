package f5j.golden;

import f5j.config.ModelConfig;
import f5j.util.F5jException;
import f5j.vocoder.VocosConfig;
import f5j.vocoder.VocosShapes;
import f5j.weights.Checkpoints;
import f5j.weights.DitShapes;
import f5j.weights.Param;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import f5j.weights.ShapeCheck;
import f5j.weights.StateDict;
import f5j.weights.TorchCheckpoint;
import f5j.weights.VocabFile;
import f5j.weights.Weights;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checkpoint files (model_N.pt, pruned .pt, model.safetensors, Vocos pytorch_model.bin) have no kind:
 * verifying one checks that every tensor loads bit-exactly and that all layouts agree.
 * <p>
 * F5 folders hold the same EMA weights in model_2.pt, pruned_ema.pt and model.safetensors, and the online
 * weights in model_2.pt and model_online.safetensors. Each .pt is compared tensor by tensor with the
 * safetensors file of the same weights (read by the plain safetensors reader); each safetensors file with
 * the other layouts as a whole. Every state dict is also checked against model.yaml and vocab.txt.
 * A Vocos .bin is compared tensor by tensor with its storage bytes as java.util.zip reads them, and its
 * shapes and window buffers against config.yaml.
 */
final class CheckpointKind {
    private static final String EMA_REF = "model.safetensors", ONLINE_REF = "model_online.safetensors";
    private static final String TRAINER = "model_2.pt", PRUNED = "pruned_ema.pt";

    private CheckpointKind() {}

    static boolean handles(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".pt") || n.endsWith(".bin") || n.equals(EMA_REF) || n.equals(ONLINE_REF);
    }

    static void verify(Path file, VerifyOptions options, GoldenReport report) {
        String n = file.getFileName().toString();
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (n.endsWith(".bin")) {
                verifyVocos(file, dir, report);
            } else if (n.equals(EMA_REF) || n.equals(ONLINE_REF)) {
                verifyReference(file, dir, n.equals(EMA_REF) ? Weights.EMA : Weights.ONLINE, report);
            } else {
                verifyPt(file, dir, report);
            }
        } catch (F5jException e) {
            report.fail(n, e.getMessage());
        }
    }

    /** A .pt: each state dict it has, tensor by tensor against the safetensors file of the same weights. */
    private static void verifyPt(Path file, Path dir, GoldenReport report) {
        StateDict ema = Checkpoints.load(file, Weights.EMA);
        var info = ema.info();
        report.pass("ema: provenance", "", "layout " + info.layout() + (info.update() != null ? ", update " + info.update() : "")
                + (info.emaStep() != null ? ", EMA step " + info.emaStep() : "") + (info.initted() != null ? ", initted " + info.initted() : ""));
        compareEach("ema", ema.tensors(), dir.resolve(EMA_REF), report);
        checkShapes("ema", ema.tensors(), dir, report);
        StateDict online;
        try {
            online = Checkpoints.load(file, Weights.ONLINE);
        } catch (F5jException e) {
            if (!ema.info().layout().equals("pruned")) throw e;
            report.pass("online: refused", "", "pruned checkpoint, EMA weights only: " + e.getMessage());
            return;
        }
        compareEach("online", online.tensors(), dir.resolve(ONLINE_REF), report);
        checkShapes("online", online.tensors(), dir, report);
        long differing = ema.tensors().keySet().stream().filter(k -> !ema.tensors().get(k).sameAs(online.tensors().get(k))).count();
        if (differing > 0) report.pass("online differs from ema", "", differing + " of " + ema.tensors().size() + " tensors differ");
        else report.fail("online differs from ema", "the online and EMA weights are identical");
    }

    /** A safetensors layout: the other layouts of the same weights give identical tensors. */
    private static void verifyReference(Path file, Path dir, Weights w, GoldenReport report) {
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(file, w);
        checkShapes(w.label(), sd, dir, report);
        String[] others = w == Weights.EMA ? new String[] {TRAINER, PRUNED} : new String[] {TRAINER};
        for (String other : others) {
            String name = w.label() + ": same as " + other;
            Path o = dir.resolve(other);
            if (!Files.isRegularFile(o)) {
                report.skip(name, "no " + other + " beside it");
                continue;
            }
            Map<String, RawTensor> od = Checkpoints.loadStateDict(o, w);
            String diff = firstDifference(sd, od);
            if (diff == null) report.pass(name, "", sd.size() + " tensors bit-exact");
            else report.fail(name, diff);
        }
    }

    /** One check per tensor: loaded bytes against the reference file's (ema_model. prefix stripped). */
    private static void compareEach(String label, Map<String, RawTensor> sd, Path refFile, GoldenReport report) {
        if (!Files.isRegularFile(refFile)) {
            report.skip(label + ": tensors", "no " + refFile.getFileName() + " beside it to compare with");
            return;
        }
        Map<String, RawTensor> ref = new LinkedHashMap<>();
        for (RawTensor t : SafeTensors.openManaged(refFile).tensors()) {
            ref.put(t.name().startsWith("ema_model.") ? t.name().substring("ema_model.".length()) : t.name(), t);
        }
        for (Map.Entry<String, RawTensor> e : ref.entrySet()) {
            bitExact(label + "/" + e.getKey(), sd.get(e.getKey()), e.getValue(), report);
        }
        for (String k : sd.keySet()) {
            if (!ref.containsKey(k)) report.fail(label + "/" + k, "not in " + refFile.getFileName());
        }
    }

    private static void bitExact(String name, RawTensor actual, RawTensor expected, GoldenReport report) {
        if (actual == null) {
            report.fail(name, "not loaded");
        } else if (actual.sameAs(expected)) {
            report.pass(name, expected.shapeString(), "bit-exact");
        } else if (actual.dtype() != expected.dtype() || !java.util.Arrays.equals(actual.shape(), expected.shape())) {
            report.fail(name, actual.dtype() + " " + actual.shapeString() + " != " + expected.dtype() + " " + expected.shapeString());
        } else {
            report.fail(name, "bytes differ (max|a-b| " + Metrics.maxAbsDiff(actual.toFloats(), expected.toFloats()) + ")");
        }
    }

    private static String firstDifference(Map<String, RawTensor> a, Map<String, RawTensor> b) {
        if (!a.keySet().equals(b.keySet())) return "tensor names differ";
        for (String k : a.keySet()) if (!a.get(k).sameAs(b.get(k))) return k + " differs";
        return null;
    }

    private static void checkShapes(String label, Map<String, RawTensor> sd, Path dir, GoldenReport report) {
        String name = label + ": shapes fit model.yaml + vocab.txt";
        Path yaml = dir.resolve("model.yaml"), vocab = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(yaml) || !Files.isRegularFile(vocab)) {
            report.skip(name, "no model.yaml and vocab.txt beside it");
            return;
        }
        ModelConfig c = ModelConfig.load(yaml);
        var r = ShapeCheck.of(sd, DitShapes.expected(c.arch(), VocabFile.size(vocab), c.melSpec().nMels()));
        if (r.ok()) report.pass(name, "", sd.size() + " tensors");
        else report.fail(name, r.describe());
    }

    /** A Vocos state dict: storage bytes, shapes against config.yaml, window buffers, finite values. */
    private static void verifyVocos(Path file, Path dir, GoldenReport report) {
        TorchCheckpoint ck = TorchCheckpoint.open(file);
        Map<String, RawTensor> sd = ck.tensors(ck.rootDict(), "");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Map.Entry<Object, Object> e : ck.rootDict().entrySet()) {
                String name = String.valueOf(e.getKey());
                TorchCheckpoint.TensorRef ref = (TorchCheckpoint.TensorRef) e.getValue();
                ZipEntry ze = zip.getEntry(ref.storageEntry());
                byte[] all;
                try (InputStream in = zip.getInputStream(ze)) { all = in.readAllBytes(); }
                int es = ref.dtype().size;
                long from = ref.offset() * es, len = ref.numel() * es;
                RawTensor expected = new RawTensor(name, ref.dtype(), ref.shape(),
                        MemorySegment.ofArray(all).asSlice(from, Math.min(len, all.length - from)));
                bitExact(name, sd.get(name), expected, report);
            }
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read with java.util.zip (" + e.getMessage() + ")");
        }
        Path config = dir.resolve("config.yaml");
        if (!Files.isRegularFile(config)) {
            report.skip("shapes fit config.yaml", "no config.yaml beside it");
            return;
        }
        Map<String, long[]> want = Param.shapes(VocosShapes.params(VocosConfig.load(config)));
        var r = ShapeCheck.of(sd, want);
        if (r.ok()) report.pass("shapes fit config.yaml", "", sd.size() + " tensors");
        else report.fail("shapes fit config.yaml", r.describe());
        for (String w : new String[] {"feature_extractor.mel_spec.spectrogram.window", "head.istft.window"}) {
            RawTensor t = sd.get(w);
            if (t == null) continue;
            float[] v = t.toFloats();
            float[] hann = new float[v.length];
            for (int i = 0; i < v.length; i++) hann[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / v.length));
            double err = Metrics.maxAbsDiff(v, hann);
            if (err <= 1e-6) report.pass(w + " is periodic Hann", t.shapeString(), "max|a-b| " + (float) err);
            else report.fail(w + " is periodic Hann", "max|a-b| " + err);
        }
        long nonFinite = sd.values().stream().filter(t -> t.dtype().isFloat())
                .mapToLong(t -> { long c = 0; for (float f : t.toFloats()) if (!Float.isFinite(f)) c++; return c; }).sum();
        if (nonFinite == 0) report.pass("all values finite", "", "");
        else report.fail("all values finite", nonFinite + " NaN/Inf values");
    }
}
