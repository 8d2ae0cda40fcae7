package f5j.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each bundled model file, reference clip and test resource is stored once: where the goldens need a file that
 * weights/ bundles (the reference clip, vocab, config, the Vocos), they hold a link to it, not a second copy.
 */
class OneCopyTest {
    @Test
    void noTwoRegularFilesWithTheSameContent() throws Exception {
        Map<String, List<Path>> byDigest = new HashMap<>();
        for (Path root : List.of(Path.of("weights"), Path.of("src/test/resources"))) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                    byDigest.computeIfAbsent(sha256(p), k -> new ArrayList<>()).add(p);
                }
            }
        }
        assertThat(byDigest.values()).filteredOn(l -> l.size() > 1).isEmpty();
    }

    @Test
    void theGoldensLinksLeadToTheBundledFiles() throws IOException {
        // the generator (tools/gen_goldens.sh) and the golden kinds read these through the goldens folder
        for (String f : List.of("audio/ref_24k_mono.wav", "vocos-tiny/config.yaml", "vocos-tiny/pytorch_model.bin",
                "f5tts-tiny-v0/vocab.txt", "f5tts-tiny-v1/vocab.txt", "f5tts-tiny-v1/model.yaml")) {
            Path p = Goldens.file(f);
            assertThat(Files.isSymbolicLink(p)).as(f).isTrue();
            assertThat(p.toRealPath()).as(f).startsWith(Path.of("weights").toRealPath());
        }
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
