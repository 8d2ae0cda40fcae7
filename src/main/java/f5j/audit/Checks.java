package f5j.audit;

import f5j.audit.AuditReport.Finding;
import f5j.audit.AuditReport.GroupDrift;
import f5j.audit.AuditReport.TensorDrift;
import f5j.audit.AuditReport.WordRow;
import f5j.config.DitArch;
import f5j.text.Vocab;
import f5j.weights.CheckpointInfo;
import f5j.weights.RawTensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static f5j.audit.AuditReport.BY_DESIGN;
import static f5j.audit.AuditReport.CAUSE;
import static f5j.audit.AuditReport.OK;
import static f5j.audit.AuditReport.SUSPECT;
import static f5j.audit.AuditReport.UNKNOWN;

/** The direct checks of every known cause, made before anything is sampled. Each returns findings. */
final class Checks {
    /** ‖EMA − online‖ / ‖online‖ from which the EMA counts as lagging (suspect), and as foreign to the online weights. */
    static final double EMA_SUSPECT = 0.02, EMA_FOREIGN = 0.5;
    /** Share of the starting weights still in the EMA from which a lag is the fine-tune's EMA not having caught up. */
    static final double START_SHARE = 0.5;
    /** Estimated / real length of the row beyond which the duration estimate is suspect. */
    static final double DURATION_RATIO = 1.5;
    /** Relative loss change (beyond 3 standard errors of the paired draws) that is suspect, and that is a cause. */
    static final double LOSS_SUSPECT = 0.02, LOSS_CAUSE = 0.1;

    static final String FIX_WEIGHTS = "infer with the online weights (upstream load_model(..., use_ema=False); "
            + "f5j: ./f5j synth -m model_N.pt --weights online, or ./f5j convert --weights online) or train longer so the EMA "
            + "catches up";

    private Checks() {}

    private static String f(String fmt, Object... a) { return String.format(Locale.ROOT, fmt, a); }

    // ---------------------------------------------------------------- weights

    static AuditReport.WeightsStage weightsStage(Map<String, RawTensor> ema, Map<String, RawTensor> online, CheckpointInfo info,
                                                 DitArch arch, EmaRecipe recipe) {
        List<String> expected = f5j.weights.DitShapes.names(arch);
        Set<String> exp = new LinkedHashSet<>(expected);
        List<String> missing = expected.stream().filter(k -> !ema.containsKey(k)).toList();
        List<String> extra = ema.keySet().stream().filter(k -> !exp.contains(k) && k.startsWith("transformer.")).toList();
        long badEma = nonfinite(ema), badOnline = online == null ? 0 : nonfinite(online);
        List<TensorDrift> drift = new ArrayList<>();
        Map<String, double[]> groups = new LinkedHashMap<>();
        double num = 0, den = 0, max = 0;
        if (online != null) {
            for (String k : expected) {
                RawTensor e = ema.get(k), on = online.get(k);
                if (e == null || on == null || !e.dtype().isFloat()) continue;
                float[] a = on.toFloats(), b = e.toFloats();
                if (a.length != b.length) continue;
                double d2 = 0, o2 = 0, mad = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = (double) b[i] - a[i];
                    d2 += d * d;
                    o2 += (double) a[i] * a[i];
                    mad = Math.max(mad, Math.abs(d));
                }
                double rel = o2 == 0 ? (d2 == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(d2 / o2);
                drift.add(new TensorDrift(k, rel, mad, a.length));
                max = Math.max(max, rel);
                double[] g = groups.computeIfAbsent(group(k), x -> new double[3]);
                g[0] += d2;
                g[1] += o2;
                g[2] += a.length;
                num += d2;
                den += o2;
            }
        }
        List<GroupDrift> gd = new ArrayList<>();
        for (Map.Entry<String, double[]> g : groups.entrySet()) {
            gd.add(new GroupDrift(g.getKey(), g.getValue()[1] == 0 ? 0 : Math.sqrt(g.getValue()[0] / g.getValue()[1]), (long) g.getValue()[2]));
        }
        Double share = info.emaStep() != null && info.update() != null ? recipe.startShare(info.emaStep(), info.update()) : null;
        return new AuditReport.WeightsStage(online != null ? "online (model_state_dict)" : "ema (no online weights in the file)",
                "ema (ema_model_state_dict)", info.emaStep(), info.update(), info.initted(), recipe.describe(), share,
                online != null, den == 0 ? 0 : Math.sqrt(num / den), max, gd, drift, missing, extra, badEma, badOnline);
    }

    /** transformer.transformer_blocks.3.attn.to_q.weight → transformer_blocks.3; transformer.proj_out.bias → proj_out. */
    static String group(String key) {
        String k = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
        String[] p = k.split("\\.");
        return p[0].equals("transformer_blocks") && p.length > 1 ? p[0] + "." + p[1] : p[0];
    }

    private static long nonfinite(Map<String, RawTensor> sd) {
        long n = 0;
        for (RawTensor t : sd.values()) {
            if (!t.dtype().isFloat()) continue;
            for (float v : t.toFloats()) if (!Float.isFinite(v)) n++;
        }
        return n;
    }

    static List<Finding> weights(AuditReport.WeightsStage w) {
        List<Finding> out = new ArrayList<>();
        if (!w.missing().isEmpty()) {
            out.add(new Finding("weights: keys", "weights", CAUSE, w.missing().size() + " tensor(s) the config needs are missing"
                    + (w.extra().isEmpty() ? "" : " and " + w.extra().size() + " unknown one(s) are present (renamed?)")
                    + ", e.g. " + w.missing().getFirst() + "; a strict=False load leaves them random",
                    "convert the checkpoint with the right key names, or use the config it was trained with"));
        } else {
            out.add(new Finding("weights: keys", "weights", w.extra().isEmpty() ? OK : SUSPECT,
                    w.extra().isEmpty() ? "every tensor the config needs is present, none extra"
                            : w.extra().size() + " tensor(s) the config does not use, e.g. " + w.extra().getFirst(),
                    w.extra().isEmpty() ? "" : "check the config (depth, conv_layers) against the checkpoint"));
        }
        if (w.nonfiniteEma() > 0) {
            out.add(new Finding("weights: NaN/inf", "weights", CAUSE, w.nonfiniteEma() + " non-finite value(s) in the EMA weights inference uses",
                    "use an earlier checkpoint, or the online weights if they are finite"));
        } else {
            out.add(new Finding("weights: NaN/inf", "weights", OK, "all weights finite"
                    + (w.nonfiniteOnline() > 0 ? " in the EMA (" + w.nonfiniteOnline() + " non-finite in the online weights)" : ""), ""));
        }
        if (!w.onlineAvailable()) {
            out.add(new Finding("weights: EMA vs online", "weights", UNKNOWN,
                    "the file holds only EMA weights" + counts(w) + ": how far they lag the trained weights cannot be measured",
                    "audit the trainer's model_N.pt (online and EMA weights)"));
            return out;
        }
        String worst = w.groups().stream().max(java.util.Comparator.comparingDouble(GroupDrift::relDiff))
                .map(g -> f("; largest in %s (%.3g)", g.group(), g.relDiff())).orElse("");
        String ev = f("‖EMA − online‖/‖online‖ = %.3g over all tensors%s%s", w.relDiff(), worst, counts(w));
        Double share = w.startShare();
        if (share != null && w.emaStep() != null && w.update() != null && w.emaStep() > w.update()) {
            ev += f("; EMA step %d after %d updates: a fine-tune whose EMA started at step %d, so by the EMA recipe (%s) "
                    + "%.1f %% of the EMA is still the starting weights", w.emaStep(), w.update(), w.emaStep() - w.update(),
                    w.emaRecipe(), 100 * share);
        } else if (share != null) {
            ev += f("; EMA step %d = %d updates: trained from scratch, the EMA holds %.1f %% of the starting weights",
                    w.emaStep(), w.update(), 100 * share);
        } else if (w.emaStep() != null && w.update() != null) {
            ev += f("; EMA step %d is below the %d updates: the EMA was reset or copied from elsewhere", w.emaStep(), w.update());
        }
        // a cause: a fine-tune's EMA still mostly its starting weights, or an EMA no recipe explains (not an
        // average of these online weights); any other lag the averaging explains, so the loss probe decides
        String status;
        boolean fineTuneLag = share != null && share >= START_SHARE && w.relDiff() >= EMA_SUSPECT;
        boolean notAnAverage = w.relDiff() >= EMA_FOREIGN && (share == null || share < START_SHARE);
        if (fineTuneLag || notAnAverage) {
            status = CAUSE;
            if (notAnAverage) {
                ev += "; no EMA recipe explains such a gap: the EMA is not an average of these online weights (re-initialised, or from another run)";
            }
        } else if (w.relDiff() >= EMA_SUSPECT) {
            status = SUSPECT;
            ev += "; the EMA's averaging explains a lag like this (see the loss probe and the like-for-like run for which weights fit the row)";
        } else {
            status = OK;
        }
        out.add(new Finding("weights: EMA vs online", "weights", status, ev, status.equals(OK) ? "" : FIX_WEIGHTS));
        return out;
    }

    private static String counts(AuditReport.WeightsStage w) {
        if (w.emaStep() == null && w.update() == null) return "";
        return " (EMA step " + (w.emaStep() == null ? "n/a" : w.emaStep()) + ", checkpoint update "
                + (w.update() == null ? "n/a" : w.update()) + ")";
    }

    // ---------------------------------------------------------------- vocab

    /**
     * Lines of the vocab against the embedding's rows (upstream: rows = distinct tokens + 1, a mismatch refused
     * by load_state_dict), line endings, duplicates, the texts' characters it lacks, and with the training vocab
     * the ids that moved.
     */
    static List<Finding> vocab(Path vocabFile, Vocab vocab, Path trainFile, Vocab train, int embedRows, List<String> usedTokens) {
        List<Finding> out = new ArrayList<>();
        List<String> lines = rawLines(vocabFile);
        int expectRows = vocab.size() + 1;
        if (expectRows != embedRows) {
            out.add(new Finding("vocab: size", "vocab", CAUSE, f("%s has %d distinct tokens, so the model needs %d text_embed rows; "
                            + "the checkpoint has %d. Upstream's load_state_dict refuses this size mismatch; run anyway, every id "
                            + "after the line that was %s is shifted by %d", vocabFile.getFileName(), vocab.size(), expectRows, embedRows,
                    expectRows > embedRows ? "inserted" : "removed", Math.abs(expectRows - embedRows)),
                    "use the vocab.txt the model was trained with (the one in the training dataset's folder)"));
        } else {
            out.add(new Finding("vocab: size", "vocab", OK, f("%d distinct tokens = %d text_embed rows − 1", vocab.size(), embedRows), ""));
        }
        List<String> form = new ArrayList<>();
        String fix = "";
        String status = OK;
        if (lines.size() != vocab.size()) {
            Map<String, Integer> seen = new HashMap<>();
            List<String> dups = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Integer prev = seen.put(lines.get(i), i);
                if (prev != null) dups.add(f("'%s' (lines %d and %d)", lines.get(i), prev, i));
            }
            form.add(lines.size() + " lines but " + vocab.size() + " distinct tokens; duplicated: " + String.join(", ", dups.subList(0, Math.min(5, dups.size())))
                    + " (the later line's id wins)");
            status = SUSPECT;
            fix = "remove the duplicated lines (every id after them is counted differently by other tools)";
        }
        if (crlf(vocabFile)) form.add("CRLF line ends (harmless: upstream reads in text mode, as f5j)");
        if (!endsWithNewline(vocabFile)) {
            form.add("last line has no newline: upstream drops its last character (char[:-1])");
            status = SUSPECT;
            fix = fix.isEmpty() ? "end the file with a newline" : fix;
        }
        if (!vocab.spaceIsZero()) {
            form.add("the space is not id 0 (unknown characters are read as id 0)");
            status = SUSPECT;
        }
        out.add(new Finding("vocab: file form", "vocab", status, form.isEmpty() ? "one token a line, no duplicates, space = id 0" : String.join("; ", form), fix));

        Set<String> unknown = new LinkedHashSet<>();
        long unknownCount = 0;
        for (String t : usedTokens) {
            if (!t.equals(" ") && vocab.id(t) < 0) {
                unknown.add(t);
                unknownCount++;
            }
        }
        if (unknown.isEmpty()) {
            out.add(new Finding("vocab: characters of the texts", "vocab", OK, "every token of the texts is in " + vocabFile.getFileName(), ""));
        } else {
            double share = (double) unknownCount / Math.max(1, usedTokens.size());
            out.add(new Finding("vocab: characters of the texts", "vocab", share >= 0.05 ? CAUSE : SUSPECT,
                    f("not in %s (read as id 0, the space): %s — %d of %d tokens", vocabFile.getFileName(),
                            String.join(" ", unknown.stream().map(c -> "'" + c + "'").toList()), unknownCount, usedTokens.size()),
                    "use the training vocab, or spell the text with characters it has"));
        }

        if (train == null) {
            out.add(new Finding("vocab: same as training", "vocab", UNKNOWN,
                    "no training vocab given: whether the ids are the trainer's cannot be checked (a line inserted or moved shifts every later id)",
                    "give --train-vocab (the vocab.txt of the training dataset)"));
        } else {
            Map<String, Integer> trainIds = idsByLine(rawLines(trainFile));
            List<String> moved = new ArrayList<>();
            int firstLine = -1;
            for (Map.Entry<String, Integer> e : trainIds.entrySet()) {
                int now = vocab.id(e.getKey());
                if (now != train.id(e.getKey())) {
                    if (moved.size() < 6) moved.add(f("'%s' %d → %s", e.getKey(), train.id(e.getKey()), now < 0 ? "missing" : now));
                    firstLine = firstLine < 0 ? e.getValue() : Math.min(firstLine, e.getValue());
                }
            }
            Set<String> usedMoved = new LinkedHashSet<>();
            for (String t : usedTokens) if (!t.equals(" ") && vocab.id(t) != train.id(t)) usedMoved.add(t);
            if (moved.isEmpty() && vocab.size() == train.size()) {
                out.add(new Finding("vocab: same as training", "vocab", OK, "every token has the id it had in training", ""));
            } else {
                out.add(new Finding("vocab: same as training", "vocab", usedMoved.isEmpty() ? SUSPECT : CAUSE,
                        f("%d token(s) have another id than in training (from the training vocab's line %d): %s; %d of the texts' distinct tokens are read as other tokens",
                                countMoved(trainIds, train, vocab), firstLine, String.join(", ", moved), usedMoved.size()),
                        "use the training vocab (" + trainFile.getFileName() + ") at inference"));
            }
        }
        return out;
    }

    private static int countMoved(Map<String, Integer> trainIds, Vocab train, Vocab vocab) {
        int n = 0;
        for (String t : trainIds.keySet()) if (vocab.id(t) != train.id(t)) n++;
        return n;
    }

    private static Map<String, Integer> idsByLine(List<String> lines) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) m.putIfAbsent(lines.get(i), i);
        return m;
    }

    /** The vocab's lines as written (line ends removed, the last line whole). */
    static List<String> rawLines(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>(List.of(s.split("\r\n|\n|\r", -1)));
            if (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
            return out;
        } catch (IOException e) {
            throw new f5j.util.F5jException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean crlf(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).contains("\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean endsWithNewline(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.endsWith("\n") || s.endsWith("\r");
        } catch (IOException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- tokens

    /**
     * The dataset text as stored against what inference makes of the same words (convert_char_to_pinyin),
     * lined up word by word; a word jieba cut in two (an inserted space) is listed with its word.
     */
    static List<WordRow> alignWords(String dataset, String inference) {
        List<String> a = words(dataset), b = words(inference);
        int n = a.size(), m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        List<WordRow> rows = new ArrayList<>();
        int i = 0, j = 0;
        List<String> ga = new ArrayList<>(), gb = new ArrayList<>();
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                flush(rows, ga, gb);
                rows.add(new WordRow(a.get(i), b.get(j), "same"));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                gb.add(b.get(j++));
            } else {
                ga.add(a.get(i++));
            }
        }
        flush(rows, ga, gb);
        return rows;
    }

    private static void flush(List<WordRow> rows, List<String> ga, List<String> gb) {
        if (ga.isEmpty() && gb.isEmpty()) return;
        String x = String.join(" ", ga), y = String.join(" ", gb);
        String status = ga.isEmpty() ? "added" : gb.isEmpty() ? "dropped"
                : x.replace(" ", "").equals(y.replace(" ", "")) ? "split" : "changed";
        rows.add(new WordRow(x, y, status));
        ga.clear();
        gb.clear();
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.split(" ")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    static Finding tokens(String datasetText, boolean datasetGiven, List<WordRow> rows) {
        List<String> diff = describe(rows);
        boolean split = rows.stream().anyMatch(r -> r.status().equals("split"));
        if (!datasetGiven && split) {
            return new Finding("tokens: dataset text vs inference", "tokens", SUSPECT,
                    "inference's convert_char_to_pinyin changes the transcript: " + String.join("; ", diff.subList(0, Math.min(8, diff.size())))
                            + "; harmless if the dataset was prepared by upstream's prepare scripts (they do the same), a mismatch if it stores the text as typed",
                    "give --dataset-text (the row's text as the prepared dataset stores it) to decide; if it stores the words whole, prepare it with upstream's prepare script and fine-tune again");
        }
        if (!datasetGiven) {
            return new Finding("tokens: dataset text vs inference", "tokens", UNKNOWN,
                    "no --dataset-text: assumed stored as upstream's prepare scripts store it (convert_char_to_pinyin), which is what inference makes of it"
                            + (diff.isEmpty() ? "" : "; against the transcript as typed, inference changes " + String.join("; ", diff.subList(0, Math.min(8, diff.size())))),
                    "give --dataset-text (the row's text as the prepared dataset stores it) to check");
        }
        if (diff.isEmpty()) {
            return new Finding("tokens: dataset text vs inference", "tokens", OK,
                    "inference tokenizes the row's words exactly as the dataset stores them", "");
        }
        return new Finding("tokens: dataset text vs inference", "tokens", CAUSE,
                diff.size() + " word(s) tokenized otherwise than the dataset stores them: " + String.join("; ", diff.subList(0, Math.min(8, diff.size()))),
                "prepare the dataset with upstream's prepare script (it applies the same convert_char_to_pinyin as inference), then fine-tune again");
    }

    private static List<String> describe(List<WordRow> rows) {
        List<String> diff = new ArrayList<>();
        for (WordRow r : rows) {
            if (r.status().equals("same")) continue;
            diff.add(switch (r.status()) {
                case "split" -> "'" + r.dataset() + "' → '" + r.inference() + "' (jieba split, a space inside the word)";
                case "added" -> "'" + r.inference() + "' only at inference";
                case "dropped" -> "'" + r.dataset() + "' only in the dataset";
                default -> "'" + r.dataset() + "' → '" + r.inference() + "'";
            });
        }
        return diff;
    }

    static Finding tokensByDesign() {
        return new Finding("tokens: trainer's sample text", "tokens", BY_DESIGN,
                "the trainer's sample speaks the row's text twice (text + ' ' + text); inference fixes the reference text's end "
                        + "(\". \") and adds one more space before the generated text", "");
    }

    // ---------------------------------------------------------------- reference

    static List<Finding> reference(AuditReport.ConditioningStage c, String refText, List<String> notes) {
        List<Finding> out = new ArrayList<>();
        double lost = c.speechSeconds() - c.keptSpeechSeconds();
        boolean clipped = notes.stream().anyMatch(n -> n.contains("clipping short"));
        if (clipped && lost > 0.3) {
            int words = refText.trim().split("\\s+").length;
            int lostWords = (int) Math.round(words * lost / Math.max(1e-9, c.speechSeconds()));
            out.add(new Finding("reference: 12 s clip", "reference", CAUSE,
                    f("the %.1f s reference is clipped to %.1f s at a pause, but the transcript is kept whole: %.1f s of speech "
                                    + "(about %d of its %d words) are in the text and no longer in the audio, so the model is told "
                                    + "the reference says words it does not", c.refSeconds(), c.keptSeconds(), lost, lostWords, words),
                    "cut the reference to at most 12 s at a pause yourself and give the transcript of what remains"));
        } else {
            out.add(new Finding("reference: 12 s clip", "reference", OK,
                    f("%.2f s reference%s", c.refSeconds(), clipped ? ", clipped with no speech lost" : ", not clipped"), ""));
        }
        List<String> d = new ArrayList<>();
        if (c.trimmedSeconds() > 1e-6) d.add(f("%.3f s of leading/trailing silence trimmed", c.trimmedSeconds()));
        d.add("50 ms of silence appended");
        if (c.rmsRaised()) d.add(f("loudness raised from rms %.4f to %.2f (the generated wave scaled back)", c.refRms(), c.targetRms()));
        else d.add(f("rms %.4f ≥ target %.2f: loudness unchanged", c.refRms(), c.targetRms()));
        d.addAll(c.effects());
        out.add(new Finding("reference: preprocessing", "reference", BY_DESIGN, String.join("; ", d), ""));
        return out;
    }

    // ---------------------------------------------------------------- duration

    static Finding duration(int estimatedFrames, int realFrames, double speed, Double fixDuration) {
        double ratio = (double) estimatedFrames / Math.max(1, realFrames);
        String ev = f("the byte-count estimate gives the row's text %d frames; the row really has %d (×%.2f)%s%s", estimatedFrames,
                realFrames, ratio, speed != 1 ? f("; --speed %s", speed) : "", fixDuration != null ? f("; --fix-duration %s s", fixDuration) : "");
        boolean off = ratio > DURATION_RATIO || ratio < 1 / DURATION_RATIO;
        return new Finding("duration: estimate vs the row", "duration", off ? SUSPECT : BY_DESIGN,
                ev + (off ? "" : "; the trainer's sample uses 2 × the reference length instead"),
                off ? "set --fix-duration (seconds of reference + generated audio) or --speed so the length matches the speech rate" : "");
    }

    // ---------------------------------------------------------------- architecture, settings

    /**
     * The loss probe read as findings: a variant inference uses with a clearly higher loss than the train
     * path's is what the model was not trained on; without a training config, flags the weights clearly fit
     * better than the configured ones.
     */
    static List<Finding> lossProbe(List<AuditReport.LossVariant> variants) {
        List<Finding> out = new ArrayList<>();
        for (AuditReport.LossVariant v : variants) {
            double se = v.differenceSpread() / Math.sqrt(v.draws()), rel = v.meanDifference() / v.trainLoss();
            String nums = f("loss %.4g ± %.2g with the train path's %s, %.4g ± %.2g with %s (%+.1f %%, %d draws)", v.trainLoss(),
                    v.trainSpread(), v.trainVariant(), v.inferLoss(), v.inferSpread(), v.inferVariant(), 100 * rel, v.draws());
            boolean configuredFlags = v.factor().equals("architecture") && v.trainVariant().startsWith("configured");
            if (!Double.isFinite(v.meanDifference())) {
                if (!v.factor().equals("precision")) { // precision: the range check names the layer
                    out.add(new Finding(v.factor() + ": loss probe", v.factor(), CAUSE, "the loss is not finite with " + v.inferVariant(), Findings.fixFor(v.factor())));
                }
            } else if (configuredFlags && -v.meanDifference() > 3 * se && -rel > LOSS_SUSPECT) {
                out.add(new Finding("architecture: loss probe", "architecture", -rel > LOSS_CAUSE ? CAUSE : SUSPECT,
                        "the weights fit the other flags better: " + nums, "infer with a config holding " + v.inferVariant().replace("alternative ", "")));
            } else if (!configuredFlags && v.meanDifference() > 3 * se && rel > LOSS_SUSPECT) {
                out.add(new Finding(v.factor() + ": loss probe", v.factor(), rel > LOSS_CAUSE ? CAUSE : SUSPECT,
                        "the trainer's own objective on the row is clearly worse with inference's value: " + nums, Findings.fixFor(v.factor())));
            }
        }
        return out;
    }

    static Finding architecture(DitArch infer, DitArch train, String lossReading) {
        if (train == null) {
            return new Finding("architecture: flags", "architecture", UNKNOWN,
                    "no training config: the flags " + Audit.flags(infer) + " cannot be compared with the trainer's (they leave no trace in the weights)"
                            + (lossReading == null ? "" : "; loss probe: " + lossReading),
                    "give --train-config (the model yaml the training ran with)");
        }
        if (train.equals(infer)) return new Finding("architecture: flags", "architecture", OK, "inference config = training config: " + Audit.flags(infer), "");
        return new Finding("architecture: flags", "architecture", CAUSE,
                "trained with " + Audit.flags(train) + " (or other arch values), inferred with " + Audit.flags(infer)
                        + (lossReading == null ? "" : "; loss probe: " + lossReading),
                "infer with the training config (its model yaml)");
    }

    static Finding settings(int nfe, double cfg, Double sway, String method) {
        boolean same = nfe == 32 && cfg == 2.0 && sway != null && sway == -1.0 && method.equals("euler");
        return new Finding("settings: sampling", "settings", same ? OK : BY_DESIGN,
                f("both paths sampled with nfe %d, cfg %s, sway %s, %s%s", nfe, cfg, sway, method,
                        same ? " (the trainer's sample settings)" : "; the trainer's logged samples use 32, 2, -1, euler (utils_infer defaults)"), "");
    }

    /** Tokens as read, for the vocab check: those of both texts. */
    static List<String> used(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
