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
import f5j.audit.AuditReport.TokenRow;
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
                .append("</style></head><body>\n<h1>f5j audit: trainer sample vs inference</h1>\n");
        summary(h, r);
        inputs(h, r);
        mels(h, r);
        chart(h, r);
        factors(h, r);
        tokens(h, r);
        conditioning(h, r);
        weights(h, r);
        precision(h, r);
        architecture(h, r);
        if (!r.notes.isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            for (String n : r.notes) h.append("<li>").append(esc(n)).append("</li>");
            h.append("</ul>");
        }
        return h.append("</body></html>\n").toString();
    }

    private static void summary(StringBuilder h, AuditReport r) {
        h.append("<div class=\"summary\" id=\"summary\">");
        if (r.firstDivergence != null) {
            h.append("<p><b>First divergence:</b> stage <code>").append(esc(r.firstDivergence.stage())).append("</code>");
            if (r.firstDivergence.layer() != null) h.append(", <code>").append(esc(r.firstDivergence.layer())).append("</code>");
            h.append("</p>");
        }
        h.append("<table id=\"causes\"><tr><th>#</th><th>factor</th><th>effect on the output mel</th><th></th><th>detail</th></tr>");
        double max = r.causes.stream().mapToDouble(c -> Double.isFinite(c.effect()) ? c.effect() : 0).max().orElse(0);
        int i = 1;
        for (Cause c : r.causes) {
            double w = !Double.isFinite(c.effect()) ? 200 : max > 0 ? 200 * c.effect() / max : 0;
            h.append("<tr><td>").append(i++).append("</td><td><b>").append(esc(c.factor())).append("</b></td><td class=\"num\">")
                    .append(num(c.effect())).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.0f", Math.max(1, w))).append("px\"></span></td><td>")
                    .append(esc(c.detail())).append("</td></tr>");
        }
        h.append("</table></div>\n");
    }

    private static void inputs(StringBuilder h, AuditReport r) {
        h.append("<h2>Inputs</h2><table>");
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
        int w = 1100, ht = 320, left = 60, right = 180, top = 10, bottom = 30;
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
            String col = colors[ci % colors.length];
            StringBuilder pts = new StringBuilder();
            for (LayerDiff d : s.getValue()) {
                double x = left + (order.size() <= 1 ? 0 : pw * order.indexOf(d.layer()) / (order.size() - 1));
                double v = d.relError();
                double lv = !Double.isFinite(v) ? yMax : v <= 0 ? yMin : Math.max(yMin, Math.min(yMax, Math.log10(v)));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph * (yMax - lv) / (yMax - yMin)));
            }
            h.append("<polyline fill=\"none\" stroke-width=\"").append(ci == 0 ? 2.5 : 1.5).append("\" stroke=\"").append(col)
                    .append("\" points=\"").append(pts).append("\"/>");
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>", left + pw + 10, top + 8 + ci * 16, col))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", left + pw + 26, top + 13 + ci * 16, esc(s.getKey())));
            ci++;
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", left, ht - 8,
                esc("layers in call order: " + order.getFirst() + " … " + order.getLast() + " (" + order.size() + ")")));
        h.append("</svg>");
    }

    private static void factors(StringBuilder h, AuditReport r) {
        if (r.factors.isEmpty()) return;
        h.append("<h2>Each factor switched alone (first ODE step)</h2><table id=\"factors\"><tr><th>factor</th><th>effect</th>")
                .append("<th>first layer over 1e-4</th><th>detail</th></tr>");
        for (AuditReport.FactorEffect f : r.factors) {
            h.append("<tr><td>").append(esc(f.factor())).append("</td><td class=\"num\">").append(num(f.effect())).append("</td><td><code>")
                    .append(esc(String.valueOf(f.firstLayerOverTolerance()))).append("</code></td><td>").append(esc(f.detail())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void tokens(StringBuilder h, AuditReport r) {
        AuditReport.TokensStage t = r.tokens;
        if (t == null) return;
        h.append("<h2>Tokens</h2><table><tr><th>trainer text</th><td class=\"text\">").append(esc(t.trainText())).append("</td></tr><tr><th>inference text</th><td class=\"text\">")
                .append(esc(t.inferText())).append("</td></tr><tr><th>characters not in the vocab (→ id 0)</th><td>")
                .append(t.unknownChars().isEmpty() ? "none" : "<b>" + esc(String.join(" ", t.unknownChars().stream().map(c -> "'" + c + "'").toList())) + "</b>")
                .append("</td></tr><tr><th>segmentation spaces inserted at inference</th><td>").append(t.insertedSpaces()).append("</td></tr></table>");
        // side by side, wrapped in blocks of 32 positions; differing positions marked
        h.append("<div id=\"tokens\">");
        List<TokenRow> rows = t.table();
        for (int from = 0; from < rows.size(); from += 32) {
            List<TokenRow> block = rows.subList(from, Math.min(rows.size(), from + 32));
            h.append("<table class=\"tok\"><tr><th>#</th>");
            for (TokenRow row : block) h.append("<th>").append(row.position()).append("</th>");
            h.append("</tr><tr><th>trainer</th>");
            for (TokenRow row : block) h.append(cell(row, show(row.trainToken())));
            h.append("</tr><tr><th>id</th>");
            for (TokenRow row : block) h.append(cell(row, row.trainId() < 0 ? "" : String.valueOf(row.trainId())));
            h.append("</tr><tr><th>inference</th>");
            for (TokenRow row : block) h.append(cell(row, show(row.inferToken())));
            h.append("</tr><tr><th>id</th>");
            for (TokenRow row : block) h.append(cell(row, row.inferId() < 0 ? "" : String.valueOf(row.inferId())));
            h.append("</tr></table>");
        }
        h.append("</div>");
    }

    private static String cell(TokenRow row, String text) {
        return (row.same() ? "<td>" : "<td class=\"bad\">") + esc(text) + "</td>";
    }

    private static String show(String tok) { return tok == null ? "" : tok.equals(" ") ? "␣" : tok; }

    private static void conditioning(StringBuilder h, AuditReport r) {
        AuditReport.ConditioningStage c = r.conditioning;
        if (c == null) return;
        h.append("<h2>Conditioning</h2><table id=\"conditioning\"><tr><th></th><th>trainer</th><th>inference</th></tr>")
                .append(row3("reference frames", c.trainRefFrames(), c.inferRefFrames()))
                .append(row3("duration (frames)", c.trainDuration(), c.inferDuration()))
                .append("</table><table><tr><th>reference</th><td>").append(num(c.refSeconds())).append(" s at ").append(c.refSampleRate())
                .append(" Hz, rms ").append(num(c.refRms())).append(c.rmsNormalised() ? " (raised to 0.1 at inference)" : "")
                .append("</td></tr><tr><th>removed by preprocessing</th><td>").append(num(c.trimmedSeconds())).append(" s</td></tr>")
                .append("<tr><th>reference mel rel. difference (common frames)</th><td>").append(num(c.refMelRelDiff())).append("</td></tr></table><ul>");
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
        h.append("<h2>Weights: ").append(esc(w.trainWeights())).append(" (trainer) vs ").append(esc(w.inferWeights())).append(" (inference)</h2>")
                .append("<p>EMA step ").append(w.emaStep() == null ? "n/a" : w.emaStep()).append(", initted ")
                .append(w.emaInitted() == null ? "n/a" : w.emaInitted()).append("; largest relative difference ").append(num(w.maxRelDiff()))
                .append(", mean ").append(num(w.meanRelDiff())).append(".</p>");
        if (!w.missing().isEmpty()) h.append("<p class=\"bad\">Missing against the config: ").append(esc(String.join(", ", w.missing()))).append("</p>");
        if (!w.extra().isEmpty()) h.append("<p>Not used by the config: ").append(esc(String.join(", ", w.extra()))).append("</p>");
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
        h.append("<h2>Precision: ").append(esc(p.emulated())).append(" against fp32</h2><p>Trainer ").append(esc(p.trainPrecision()))
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
        h.append("<h2>Architecture flags (invisible in the weights)</h2><table id=\"architecture\"><tr><th>configured</th><td><code>")
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
