package f5j.audio;

import java.util.ArrayList;
import java.util.List;

/** pydub's {@code silence} module on {@link PcmSegment}s; all positions in milliseconds. */
public final class Silence {
    private Silence() {}

    /** Silent [start, end) ranges: windows of {@code minSilenceMs} every {@code seekStep} ms with rms at most the threshold. */
    public static List<long[]> detectSilence(PcmSegment seg, long minSilenceMs, double threshDb, long seekStep) {
        long len = seg.lengthMs();
        List<long[]> ranges = new ArrayList<>();
        if (len < minSilenceMs) return ranges;
        double thresh = Math.pow(10, threshDb / 20) * seg.maxPossibleAmplitude();
        long last = len - minSilenceMs;
        List<Long> starts = new ArrayList<>();
        for (long i = 0; i <= last; i += seekStep) {
            if (seg.slice(i, i + minSilenceMs).rms() <= thresh) starts.add(i);
        }
        // the last window is always tried, even off the seek grid
        if (last % seekStep != 0 && seg.slice(last, last + minSilenceMs).rms() <= thresh) starts.add(last);
        if (starts.isEmpty()) return ranges;
        long prev = starts.get(0), rangeStart = prev;
        for (int k = 1; k < starts.size(); k++) {
            long s = starts.get(k);
            boolean continuous = s == prev + seekStep;
            boolean gap = s > prev + minSilenceMs; // overlapping silent windows merge even off the grid
            if (!continuous && gap) {
                ranges.add(new long[] {rangeStart, prev + minSilenceMs});
                rangeStart = s;
            }
            prev = s;
        }
        ranges.add(new long[] {rangeStart, prev + minSilenceMs});
        return ranges;
    }

    /** The complement of {@link #detectSilence}: non-silent [start, end) ranges. */
    public static List<long[]> detectNonsilent(PcmSegment seg, long minSilenceMs, double threshDb, long seekStep) {
        List<long[]> silent = detectSilence(seg, minSilenceMs, threshDb, seekStep);
        long len = seg.lengthMs();
        List<long[]> out = new ArrayList<>();
        if (silent.isEmpty()) {
            out.add(new long[] {0, len});
            return out;
        }
        if (silent.get(0)[0] == 0 && silent.get(0)[1] == len) return out;
        long prevEnd = 0, end = 0;
        for (long[] r : silent) {
            out.add(new long[] {prevEnd, r[0]});
            prevEnd = r[1];
            end = r[1];
        }
        if (end != len) out.add(new long[] {prevEnd, len});
        if (out.get(0)[0] == 0 && out.get(0)[1] == 0) out.remove(0);
        return out;
    }

    /** Non-silent pieces widened by {@code keepSilenceMs} each side (overlaps split in the middle). */
    public static List<PcmSegment> splitOnSilence(PcmSegment seg, long minSilenceMs, double threshDb,
                                                  long keepSilenceMs, long seekStep) {
        List<long[]> ranges = new ArrayList<>();
        for (long[] r : detectNonsilent(seg, minSilenceMs, threshDb, seekStep)) {
            ranges.add(new long[] {r[0] - keepSilenceMs, r[1] + keepSilenceMs});
        }
        for (int k = 0; k + 1 < ranges.size(); k++) {
            long[] a = ranges.get(k), b = ranges.get(k + 1);
            if (b[0] < a[1]) {
                a[1] = Math.floorDiv(a[1] + b[0], 2);
                b[0] = a[1];
            }
        }
        long len = seg.lengthMs();
        List<PcmSegment> out = new ArrayList<>();
        for (long[] r : ranges) out.add(seg.slice(Math.max(r[0], 0), Math.min(r[1], len)));
        return out;
    }

    /** The ms where the leading silence ends: steps of {@code chunkMs} while the chunk is below the threshold. */
    public static long detectLeadingSilence(PcmSegment seg, double threshDb, long chunkMs) {
        long trim = 0, len = seg.lengthMs();
        while (seg.slice(trim, trim + chunkMs).dBFS() < threshDb && trim < len) trim += chunkMs;
        return Math.min(trim, len);
    }
}
