package f5j.infer;

import f5j.text.PyStr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstream infer_cli's multi-voice text: {@code [NAME]} tags switch the voice, as
 * {@code re.split(r"(?=\[\w+\])", text)}; each piece that is not blank is spoken by the voice its leading tag
 * names ({@value #MAIN} when it has none, or when the name is not a known voice), with every tag removed and
 * the rest stripped. The pieces' audio is concatenated without cross-fades.
 */
public final class VoiceScript {
    /** The voice of the top-level ref_audio / ref_text, and of untagged text. */
    public static final String MAIN = "main";

    // Python's str patterns: \w is Unicode-aware there.
    private static final Pattern TAG_AHEAD = Pattern.compile("(?=\\[\\w+\\])", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern TAG = Pattern.compile("\\[(\\w+)\\]", Pattern.UNICODE_CHARACTER_CLASS);

    /** One piece of the text and the voice that speaks it; {@code note} says why it fell back to main. */
    public record Segment(String voice, String text, String note) {}

    private VoiceScript() {}

    public static List<Segment> split(String text, Set<String> voices) {
        List<Segment> out = new ArrayList<>();
        for (String piece : splitLookahead(text)) {
            if (PyStr.strip(piece).isEmpty()) continue;
            Matcher m = TAG.matcher(piece);
            String voice = MAIN, note = null;
            if (m.lookingAt()) {
                voice = m.group(1);
            } else {
                note = "no voice tag, using " + MAIN;
            }
            if (!voices.contains(voice)) {
                note = "voice " + voice + " not found, using " + MAIN;
                voice = MAIN;
            }
            out.add(new Segment(voice, PyStr.strip(TAG.matcher(piece).replaceAll("")), note));
        }
        return out;
    }

    /** re.split on a zero-width pattern (Python 3.7+): a cut at every match, an empty first piece for one at 0. */
    private static List<String> splitLookahead(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = TAG_AHEAD.matcher(text);
        int last = 0;
        while (m.find()) {
            pieces.add(text.substring(last, m.start()));
            last = m.start();
        }
        pieces.add(text.substring(last));
        return pieces;
    }
}
