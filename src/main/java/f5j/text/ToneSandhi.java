package f5j.text;

import java.util.List;

/**
 * pypinyin's tone sandhi (tone_sandhi=True), applied to the readings of one cut word in tone-3 form. The
 * rules only look at which digit a reading holds, so the tone-2 form pypinyin works on gives the same result.
 */
final class ToneSandhi {
    private ToneSandhi() {}

    static void apply(List<String> han, List<String> pys) {
        thirdTone(pys);
        beforeFourth(han, pys, "不", "4", "4");
        beforeFourth(han, pys, "一", "4", "1");
    }

    /**
     * Two third tones: pypinyin counts the third tones that END the word (the count restarts at any other
     * tone); if that is 2, the first third tone of the word becomes second tone; if it is more, the first
     * count-1 third tones do.
     */
    private static void thirdTone(List<String> pys) {
        int run = 0;
        boolean any = false;
        for (String p : pys) {
            if (p.contains("3")) { run++; any = true; } else run = 0;
        }
        if (!any) return;
        if (run == 2) {
            for (int i = 0; i < pys.size(); i++) {
                if (pys.get(i).contains("3")) { pys.set(i, pys.get(i).replace('3', '2')); break; }
            }
        } else if (run > 2) {
            int n = 1;
            for (int i = 0; i < pys.size() && n < run; i++) {
                if (pys.get(i).contains("3")) { pys.set(i, pys.get(i).replace('3', '2')); n++; }
            }
        }
    }

    /**
     * 不 and 一: before a fourth tone its "4" becomes "2" (for 一 too, which pypinyin's rule leaves as is when
     * it reads yi1); before anything else every digit becomes "4"; at the end of the word every digit
     * becomes {@code last} (4 for 不, 1 for 一).
     */
    private static void beforeFourth(List<String> han, List<String> pys, String ch, String other, String last) {
        int n = han.size();
        for (int i = 0; i < n; i++) {
            if (!han.get(i).equals(ch)) continue;
            String cur = pys.get(i);
            if (i < n - 1) {
                pys.set(i, pys.get(i + 1).contains("4") ? cur.replace('4', '2') : cur.replaceAll("\\d", other));
            } else {
                pys.set(i, cur.replaceAll("\\d", last));
            }
        }
    }
}
