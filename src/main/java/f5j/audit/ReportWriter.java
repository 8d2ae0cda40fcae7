package f5j.audit;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import f5j.audit.AuditReport.Cause;
import f5j.audit.AuditReport.LayerDiff;
import f5j.audit.AuditReport.LayerPrecision;
import f5j.audit.AuditReport.TensorDrift;
import f5j.tensor.Tensor;
import f5j.audio.WavFile;
import f5j.util.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes report.json (for scripts) and report.html (for people: pictures, chart, tables), each atomically. */
public final class ReportWriter {
    private ReportWriter() {}

    /** Non-finite numbers become null: strict JSON has no Infinity or NaN. */
    private static final JsonSerializer<Double> FINITE =
            (d, t, c) -> d == null || !Double.isFinite(d) ? null : new JsonPrimitive(d);

    public static Gson gson() {
        return new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .registerTypeAdapter(Double.class, FINITE).registerTypeAdapter(double.class, FINITE)
                .serializeNulls().setPrettyPrinting().disableHtmlEscaping().create();
    }

    public static String json(AuditReport r) { return gson().toJson(r); }

    public static void write(AuditReport r, Path dir) {
        if (r.trainAudio != null && r.inferAudio != null && r.finalOutput != null) {
            WavFile.write(dir.resolve(r.finalOutput.trainWav()), r.trainAudio, r.audioSampleRate);
            WavFile.write(dir.resolve(r.finalOutput.inferWav()), r.inferAudio, r.audioSampleRate);
        }
        AtomicFiles.writeString(dir.resolve("report.json"), json(r));
        AtomicFiles.writeString(dir.resolve("report.html"), html(r));
    }

    // ---------------------------------------------------------------- HTML

    public static String html(AuditReport r) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>f5j audit</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}")
                .append("th{background:#f3f3f3}.num{text-align:right;font-family:monospace}.bad{background:#fdd}")
                .append(".ok{background:#efe}.bar{background:#c44;height:10px;display:inline-block}")
                .append(".mel img{image-rendering:pixelated;border:1px solid #999;max-width:100%}.mel div{margin:6px 0}")
                .append(".tok td,.tok th{font-family:monospace;min-width:18px;text-align:center;padding:1px 3px}.text{white-space:pre-wrap;font-family:monospace}.summary{background:#f8f8ff;padding:10px;border:1px solid #ccd}")
                .append(".st{white-space:nowrap}.st-cause{background:#f99}.st-suspect{background:#fd8}.st-ok{background:#cfc}.st-unknown{background:#ddd}.verdict{font-size:16px;background:#fffbe6;border:1px solid #e0c96b;padding:12px}.by-design{color:#555}details{margin:8px 0}summary{cursor:pointer;font-weight:bold}")
                .append("</style></head><body>\n<h1>f5j audit: trainer sample vs inference</h1>\n");
        verdict(h, r);
        checklist(h, r);
        summary(h, r);
        chart(h, r);
        mels(h, r);
        h.append("<h2>Details</h2>");
        fold(h, "Inputs", () -> inputs(h, r));
        fold(h, "Each factor switched alone", () -> factors(h, r));
        fold(h, "Loss probe and like for like", () -> lossProbe(h, r));
        fold(h, "Tokens", () -> tokens(h, r));
        fold(h, "Conditioning", () -> conditioning(h, r));
        fold(h, "Weights", () -> weights(h, r));
        fold(h, "Precision", () -> precision(h, r));
        fold(h, "Architecture", () -> architecture(h, r));
        if (!r.notes.isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            for (String n : r.notes) h.append("<li>").append(esc(n)).append("</li>");
            h.append("</ul>");
        }
        return h.append("</body></html>\n").toString();
    }

    private static void fold(StringBuilder h, String title, Runnable body) {
        int at = h.length();
        body.run();
        if (h.length() == at) return;
        h.insert(at, "<details><summary>" + esc(title) + "</summary>");
        h.append("</details>\n");
    }

    private static void verdict(StringBuilder h, AuditReport r) {
        if (r.verdict == null) return;
        h.append("<div class=\"verdict\" id=\"verdict\"><p><b>Verdict: ")
                .append(r.verdict.cause() == null ? "no cause" : esc(r.verdict.cause())).append(".</b> ").append(esc(r.verdict.summary())).append("</p>");
        if (r.verdict.fix() != null && !r.verdict.fix().isEmpty()) h.append("<p><b>Fix:</b> ").append(esc(r.verdict.fix())).append("</p>");
        h.append("</div>\n");
    }

    static String mark(String status) {
        return switch (status) {
            case AuditReport.OK -> "✅";
            case AuditReport.SUSPECT -> "⚠️";
            case AuditReport.CAUSE -> "❌";
            case AuditReport.BY_DESIGN -> "ⓘ";
            default -> "?";
        };
    }

    private static void checklist(StringBuilder h, AuditReport r) {
        if (r.findings.isEmpty()) return;
        h.append("<h2>Checklist</h2><p>✅ ok · ⚠️ suspect · ❌ cause · ⓘ by design · ? unknown</p><table id=\"checklist\">")
                .append("<tr><th></th><th>check</th><th>evidence</th><th>fix</th></tr>");
        for (AuditReport.Finding f : r.findings) {
            String cls = f.status().equals(AuditReport.CAUSE) ? " class=\"bad\"" : f.status().equals(AuditReport.BY_DESIGN) ? " class=\"by-design\"" : "";
            h.append("<tr").append(cls).append("><td class=\"st st-").append(esc(f.status())).append("\">").append(mark(f.status()))
                    .append(" ").append(esc(f.status())).append("</td><td>").append(esc(f.check())).append("</td><td>").append(esc(f.evidence())).append("</td><td>")
                    .append(esc(f.fix())).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void summary(StringBuilder h, AuditReport r) {
        if (r.causes.isEmpty()) return;
        h.append("<h2>Measured effects (generated frames only)</h2><div class=\"summary\" id=\"summary\">");
        if (r.noiseFloor != null) {
            h.append("<p>Frames ").append(r.noiseFloor.fromFrame()).append("–").append(r.noiseFloor.toFrame())
                    .append(" (reference, a margin after it and the end left out). Noise floor, the train path with seeds ")
                    .append(r.noiseFloor.seedA()).append(" and ").append(r.noiseFloor.seedB()).append(": first step ")
                    .append(num(r.noiseFloor.firstStep())).append(", final mel ").append(num(r.noiseFloor.finalMel()))
                    .append(". By-design factors are a baseline, never causes.</p>");
        }
        h.append("<table id=\"causes\"><tr><th></th><th>factor</th><th>final mel effect</th><th>× noise floor</th><th></th><th>first step</th><th>status</th><th>first layer</th><th>detail</th></tr>");
        for (Cause c : r.causes) {
            double w = Double.isNaN(c.ratio()) || Double.isInfinite(c.ratio()) ? 200 : Math.min(200, 200 * c.ratio() / (3 * Findings.BEYOND_NOISE));
            boolean design = c.status().equals(AuditReport.BY_DESIGN);
            h.append("<tr").append(design ? " class=\"by-design\"" : "").append("><td>").append(mark(c.status())).append("</td><td><b>")
                    .append(esc(c.factor())).append("</b></td><td class=\"num\">").append(num(c.finalEffect())).append("</td><td class=\"num\">")
                    .append(num(c.ratio())).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.0f", Math.max(1, w))).append("px").append(design ? ";background:#aaa" : "")
                    .append("\"></span></td><td class=\"num\">").append(num(c.effect())).append("</td><td>").append(esc(c.status()))
                    .append(c.nonfinite().equals("none") ? "" : " (" + c.nonfinite() + ")").append("</td><td><code>")
                    .append(esc(c.firstLayer() == null ? "" : c.firstLayer())).append("</code></td><td>").append(esc(c.detail())).append("</td></tr>");
        }
        h.append("</table></div>\n");
    }

    private static void lossProbe(StringBuilder h, AuditReport r) {
        if (!r.lossProbe.isEmpty()) {
            h.append("<p>The trainer's flow-matching loss on the row (fixed masks, noise and t; mean ± spread over the draws):</p>")
                    .append("<table id=\"loss-probe\"><tr><th>factor</th><th>train-path variant</th><th>loss</th><th>inference variant</th><th>loss</th><th>difference</th><th>reading</th></tr>");
            for (AuditReport.LossVariant v : r.lossProbe) {
                h.append("<tr><td>").append(esc(v.factor())).append("</td><td>").append(esc(v.trainVariant())).append("</td><td class=\"num\">")
                        .append(num(v.trainLoss())).append(" ± ").append(num(v.trainSpread())).append("</td><td>").append(esc(v.inferVariant()))
                        .append("</td><td class=\"num\">").append(num(v.inferLoss())).append(" ± ").append(num(v.inferSpread()))
                        .append("</td><td class=\"num\">").append(num(v.meanDifference())).append(" ± ").append(num(v.differenceSpread()))
                        .append("</td><td>").append(esc(v.reading())).append("</td></tr>");
            }
            h.append("</table>");
        }
        AuditReport.LikeForLike l = r.likeForLike;
        if (l != null) {
            h.append("<p>Like for like: ").append(esc(l.text())).append("; error against the row's real mel on the generated frames:</p><table id=\"like-for-like\">");
            for (AuditReport.LikeForLikeRow row : l.rows()) {
                h.append("<tr><td>").append(esc(row.variant())).append("</td><td class=\"num\">").append(num(row.relError())).append("</td></tr>");
            }
            h.append("<tr><td>a constant spectrum (the prompt's mean frame)</td><td class=\"num\">").append(num(l.constantSpectrumError())).append("</td></tr></table>");
        }
    }

    private static void inputs(StringBuilder h, AuditReport r) {
        h.append("<table id=\"inputs\">");
        for (Map.Entry<String, Object> e : r.inputs.entrySet()) {
            h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue()))).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void mels(StringBuilder h, AuditReport r) {
        if (r.trainMel == null || r.inferMel == null) return;
        h.append("<h2>Final mel spectrograms</h2><div class=\"mel\">");
        double[] a = MelImage.range(r.trainMel.data), b = MelImage.range(r.inferMel.data);
        double lo = Math.min(a[0], b[0]), hi = Math.max(a[1], b[1]);
        int xs = Math.max(1, Math.min(4, 1100 / Math.max(1, Math.max(r.trainMel.dim(-2), r.inferMel.dim(-2)))));
        img(h, "Trainer sample path (" + r.trainMel.dim(-2) + " frames)", "mel-train", MelImage.render(r.trainMel, lo, hi, xs, 2));
        img(h, "Inference path (" + r.inferMel.dim(-2) + " frames)", "mel-infer", MelImage.render(r.inferMel, lo, hi, xs, 2));
        Tensor d = MelImage.absDiff(r.inferMel, r.trainMel);
        img(h, "|inference − trainer| on the common " + d.dim(-2) + " frames (own scale, max "
                + num(MelImage.range(d.data)[1]) + ")", "mel-diff", MelImage.render(d, Double.NaN, Double.NaN, xs, 2));
        h.append("<p>Shared colour scale ").append(num(lo)).append(" … ").append(num(hi)).append(" (log mel).</p></div>");
        if (r.trainAudio != null && r.inferAudio != null) {
            h.append("<p id=\"audio\">Trainer path <audio controls src=\"").append(wavUri(r.trainAudio, r.audioSampleRate))
                    .append("\"></audio> Inference path <audio controls src=\"").append(wavUri(r.inferAudio, r.audioSampleRate))
                    .append("\"></audio> SNR of inference against trainer: ").append(num(r.finalOutput.audioSnrDb())).append(" dB</p>");
        }
    }

    /** A 16-bit PCM WAV as a data URI, so the page stays one file. */
    private static String wavUri(float[] wave, int rate) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * wave.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + 2 * wave.length)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(2 * wave.length);
        for (float v : wave) b.putShort((short) Math.round(Math.max(-1f, Math.min(1f, Float.isFinite(v) ? v : 0f)) * 32767f));
        return "data:audio/wav;base64," + java.util.Base64.getEncoder().encodeToString(b.array());
    }

    private static void img(StringBuilder h, String caption, String id, java.awt.image.BufferedImage img) {
        h.append("<div><div>").append(esc(caption)).append("</div><img id=\"").append(id).append("\" alt=\"")
                .append(esc(caption)).append("\" src=\"").append(MelImage.dataUri(img)).append("\"></div>");
    }

    /** Log-scale line chart of the relative error per layer: the whole difference, each factor, precision. */
    private static void chart(StringBuilder h, AuditReport r) {
        Map<String, List<LayerDiff>> series = new LinkedHashMap<>();
        if (!r.layers.isEmpty()) series.put(r.comparison, r.layers);
        for (AuditReport.FactorEffect f : r.factors) if (f.layers() != null && !f.layers().isEmpty()) series.put(f.factor(), f.layers());
        if (r.architecture != null && r.architecture.layers() != null && !r.architecture.layers().isEmpty()) {
            series.put("architecture alternative", r.architecture.layers());
        }
        if (series.isEmpty()) return;
        List<String> order = new ArrayList<>();
        for (List<LayerDiff> s : series.values()) for (LayerDiff d : s) if (!order.contains(d.layer())) order.add(d.layer());
        if (r.layerNoiseFloor != null && !r.layerNoiseFloor.isEmpty()) series.put(NOISE, r.layerNoiseFloor);
        int w = 1100, ht = 380, left = 60, right = 180, top = 10, bottom = 90;
        double yMin = -8, yMax = 2;
        String[] colors = {"#000000", "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};
        h.append("<h2>Relative error per DiT layer (").append(esc(r.comparison)).append(")</h2>")
                .append("<svg id=\"layer-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(ht)
                .append("\" style=\"border:1px solid #ccc;background:#fff\">");
        double pw = w - left - right, ph = ht - top - bottom;
        for (int e = (int) yMin; e <= yMax; e++) {
            double y = top + ph * (yMax - e) / (yMax - yMin);
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", left, left + pw, y, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">1e%d</text>", left - 4, y + 4, e));
        }
        double tolY = top + ph * (yMax + 4) / (yMax - yMin);
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>", left, left + pw, tolY, tolY))
                .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#666\">tolerance 1e-4</text>", left + 4.0, tolY - 3));
        int ci = 0;
        for (Map.Entry<String, List<LayerDiff>> s : series.entrySet()) {
            boolean noise = s.getKey().equals(NOISE);
            String col = noise ? "#999999" : colors[ci % colors.length];
            StringBuilder pts = new StringBuilder();
            for (LayerDiff d : s.getValue()) {
                double x = left + (order.size() <= 1 ? 0 : pw * order.indexOf(d.layer()) / (order.size() - 1));
                double v = d.relError();
                double lv = !Double.isFinite(v) ? yMax : v <= 0 ? yMin : Math.max(yMin, Math.min(yMax, Math.log10(v)));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph * (yMax - lv) / (yMax - yMin)));
            }
            h.append("<polyline fill=\"none\" stroke-width=\"").append(ci == 0 ? 2.5 : 1.5).append("\" stroke=\"").append(col)
                    .append(noise ? "\" stroke-dasharray=\"6 3" : "").append("\" points=\"").append(pts).append("\"/>");
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>", left + pw + 10, top + 8 + ci * 16, col))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", left + pw + 26, top + 13 + ci * 16, esc(s.getKey())));
            ci++;
        }
        // the axis names each block where its layers begin
        String prev = null;
        for (int i = 0; i < order.size(); i++) {
            String b = block(order.get(i));
            if (b.equals(prev)) continue;
            prev = b;
            double x = left + (order.size() <= 1 ? 0 : pw * i / (order.size() - 1));
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", x, x, top, top + ph))
                    .append(String.format(Locale.ROOT, "<text class=\"block\" transform=\"translate(%.1f,%.1f) rotate(50)\" font-size=\"10\">%s</text>",
                            x, top + ph + 6, esc(b)));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", left + (int) pw - 260, ht - 6,
                esc(order.size() + " layers in call order")));
        h.append("</svg>");
    }

    static final String NOISE = "noise floor (seed +1)";

    /** The module a recorded layer belongs to: transformer_blocks.3.attn.to_q#0 → block 3. */
    static String block(String layer) {
        String m = layer.split("#")[0];
        String[] p = m.split("\\.");
        if (p[0].equals("transformer_blocks") && p.length > 1) return "block " + p[1];
        return p[0];
    }

    private static void factors(StringBuilder h, AuditReport r) {
        if (r.factors.isEmpty()) return;
        h.append("<table id=\"factors\"><tr><th>factor</th><th>frames</th><th>first step</th><th>final mel</th>")
                .append("<th>first layer over 1e-4</th><th>detail</th></tr>");
        for (AuditReport.FactorEffect f : r.factors) {
            h.append("<tr><td>").append(esc(f.factor())).append("</td><td class=\"num\">").append(f.fromFrame()).append("–").append(f.toFrame())
                    .append("</td><td class=\"num\">").append(num(f.effect())).append("</td><td class=\"num\">").append(num(f.finalEffect()))
                    .append("</td><td><code>").append(esc(String.valueOf(f.firstLayerOverTolerance()))).append("</code></td><td>").append(esc(f.detail())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void tokens(StringBuilder h, AuditReport r) {
        AuditReport.TokensStage t = r.tokens;
        if (t == null) return;
        h.append("<table><tr><th>trainer's sample text</th><td class=\"text\">").append(esc(t.trainText())).append("</td></tr><tr><th>inference text (first chunk)</th><td class=\"text\">")
                .append(esc(t.inferText())).append("</td></tr><tr><th>characters not in the vocab (→ id 0)</th><td>")
                .append(t.unknownChars().isEmpty() ? "none" : "<b>" + esc(String.join(" ", t.unknownChars().stream().map(c -> "'" + c + "'").toList())) + "</b>")
                .append("</td></tr><tr><th>segmentation spaces inserted at inference</th><td>").append(t.insertedSpaces()).append("</td></tr></table>");
        // the row's words lined up (not positions: one inserted space must not mark every later word)
        h.append("<p>The row's text as the dataset stores it, word by word against what inference makes of it:</p><table class=\"tok\" id=\"tokens\"><tr><th>dataset</th><th>inference</th><th></th></tr>");
        for (AuditReport.WordRow w : t.words()) {
            h.append("<tr").append(w.status().equals("same") ? "" : " class=\"bad\"").append("><td>").append(esc(w.dataset())).append("</td><td>")
                    .append(esc(w.inference())).append("</td><td>").append(w.status().equals("same") ? "" : esc(w.status())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void conditioning(StringBuilder h, AuditReport r) {
        AuditReport.ConditioningStage c = r.conditioning;
        if (c == null) return;
        h.append("<table id=\"conditioning\"><tr><th></th><th>trainer</th><th>inference</th></tr>")
                .append(row3("reference frames", c.trainRefFrames(), c.inferRefFrames()))
                .append(row3("duration (frames)", c.trainDuration(), c.inferDuration()))
                .append("</table><table><tr><th>reference</th><td>").append(num(c.refSeconds())).append(" s at ").append(c.refSampleRate())
                .append(" Hz, kept ").append(num(c.keptSeconds())).append(" s; speech ").append(num(c.speechSeconds())).append(" s, kept ")
                .append(num(c.keptSpeechSeconds())).append(" s; rms ").append(num(c.refRms()))
                .append(c.rmsRaised() ? " (raised to " + num(c.targetRms()) + " at inference)" : "").append("</td></tr></table><ul>");
        for (String e : c.effects()) h.append("<li>").append(esc(e)).append("</li>");
        h.append("</ul>");
        if (r.trainRefMel != null && r.inferRefMel != null) {
            double[] a = MelImage.range(r.trainRefMel.data), b = MelImage.range(r.inferRefMel.data);
            double lo = Math.min(a[0], b[0]), hi = Math.max(a[1], b[1]);
            int xs = Math.max(1, Math.min(4, 1100 / Math.max(1, Math.max(r.trainRefMel.dim(-2), r.inferRefMel.dim(-2)))));
            h.append("<div class=\"mel\">");
            img(h, "Trainer reference mel (dataset audio as is, " + r.trainRefMel.dim(-2) + " frames)", "ref-train", MelImage.render(r.trainRefMel, lo, hi, xs, 2));
            img(h, "Inference reference mel (preprocessed, " + r.inferRefMel.dim(-2) + " frames)", "ref-infer", MelImage.render(r.inferRefMel, lo, hi, xs, 2));
            h.append("</div>");
        }
    }

    private static String row3(String k, Object a, Object b) {
        String cls = a.equals(b) ? "" : " class=\"bad\"";
        return "<tr" + cls + "><th>" + esc(k) + "</th><td class=\"num\">" + a + "</td><td class=\"num\">" + b + "</td></tr>";
    }

    private static void weights(StringBuilder h, AuditReport r) {
        AuditReport.WeightsStage w = r.weights;
        if (w == null) return;
        h.append("<p>").append(esc(w.trainWeights())).append(" (trainer) vs ").append(esc(w.inferWeights())).append(" (inference): EMA step ")
                .append(w.emaStep() == null ? "n/a" : w.emaStep()).append(", checkpoint update ").append(w.update() == null ? "n/a" : w.update())
                .append(", initted ").append(w.emaInitted() == null ? "n/a" : w.emaInitted()).append("; share of the starting weights in the EMA by the recipe (")
                .append(esc(w.emaRecipe())).append("): ").append(w.startShare() == null ? "n/a" : num(w.startShare()))
                .append("; ‖EMA − online‖/‖online‖ ").append(num(w.relDiff())).append(".</p>");
        if (!w.missing().isEmpty()) h.append("<p class=\"bad\">Missing against the config: ").append(esc(String.join(", ", w.missing()))).append("</p>");
        if (!w.extra().isEmpty()) h.append("<p>Not used by the config: ").append(esc(String.join(", ", w.extra()))).append("</p>");
        if (!w.groups().isEmpty()) {
            h.append("<table id=\"weight-groups\"><tr><th>group</th><th>elements</th><th>‖EMA − online‖/‖online‖</th></tr>");
            for (AuditReport.GroupDrift g : w.groups()) {
                h.append("<tr><td><code>").append(esc(g.group())).append("</code></td><td class=\"num\">").append(g.numel())
                        .append("</td><td class=\"num\">").append(num(g.relDiff())).append("</td></tr>");
            }
            h.append("</table>");
        }
        List<TensorDrift> sorted = new ArrayList<>(w.drift());
        sorted.sort(Comparator.comparingDouble(TensorDrift::relDiff).reversed());
        double max = sorted.isEmpty() ? 0 : sorted.getFirst().relDiff();
        h.append("<table id=\"weights\"><tr><th>tensor</th><th>elements</th><th>rel. difference</th><th></th><th>max |diff|</th></tr>");
        int shown = 0;
        for (TensorDrift d : sorted) {
            if (shown++ == 40) {
                h.append("<tr><td colspan=\"5\">… ").append(sorted.size() - 40).append(" more in report.json</td></tr>");
                break;
            }
            double bw = max > 0 ? 150 * d.relDiff() / max : 0;
            h.append("<tr><td><code>").append(esc(d.name())).append("</code></td><td class=\"num\">").append(d.numel())
                    .append("</td><td class=\"num\">").append(num(d.relDiff())).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.0f", Math.max(1, bw))).append("px\"></span></td><td class=\"num\">")
                    .append(num(d.maxAbsDiff())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void precision(StringBuilder h, AuditReport r) {
        AuditReport.PrecisionStage p = r.precision;
        if (p == null) return;
        h.append("<p>").append(esc(p.emulated())).append(" against fp32. Trainer ").append(esc(p.trainPrecision()))
                .append(", inference ").append(esc(p.inferPrecision())).append("; values beyond the format's range: ").append(p.totalOverflow())
                .append("; first layer over ").append(num(p.tolerance())).append(": <code>").append(esc(String.valueOf(p.firstLayerOverTolerance())))
                .append("</code>.</p><table id=\"precision\"><tr><th>layer</th><th>largest |value| (fp32)</th><th>beyond range</th><th>inf</th><th>NaN</th><th>rel. error</th></tr>");
        for (LayerPrecision l : p.layers()) {
            boolean bad = l.overflow() > 0 || l.inf() > 0 || l.nan() > 0;
            h.append("<tr").append(bad ? " class=\"bad\"" : "").append("><td><code>").append(esc(l.layer())).append("</code></td><td class=\"num\">")
                    .append(num(l.maxAbsFp32())).append("</td><td class=\"num\">").append(l.overflow()).append("</td><td class=\"num\">").append(l.inf())
                    .append("</td><td class=\"num\">").append(l.nan()).append("</td><td class=\"num\">").append(num(l.relError())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void architecture(StringBuilder h, AuditReport r) {
        AuditReport.ArchitectureStage a = r.architecture;
        if (a == null) return;
        h.append("<p>Architecture flags leave no trace in the weights.</p><table id=\"architecture\"><tr><th>configured</th><td><code>")
                .append(esc(a.configured())).append("</code></td></tr><tr><th>trainer</th><td><code>").append(esc(a.trainArch()))
                .append("</code></td></tr><tr><th>alternative</th><td><code>").append(esc(a.alternative())).append("</code></td></tr><tr><th>output change with the alternative</th><td>")
                .append(num(a.alternativeEffect())).append(" (first layer over 1e-4: <code>").append(esc(String.valueOf(a.firstLayerOverTolerance())))
                .append("</code>)</td></tr></table>");
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "-∞";
        if (v == 0) return "0";
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e5 ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.3e", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
