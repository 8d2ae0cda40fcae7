package f5j.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static f5j.serve.ServeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded load: 50 synthesis requests from 8 clients on loopback against the tiny model. None may be lost
 * or refused (8 clients never overfill a queue of 8), and all give the same bytes (same inputs, same seed),
 * so requests sharing the one model do not disturb each other. Latency percentiles are printed, not asserted.
 */
class ServeLoadTest {
    static final int REQUESTS = 50, CLIENTS = 8;

    @Test
    void fiftyRequestsFromEightClientsAllAnswered(@TempDir Path dir) throws Exception {
        try (F5jServer s = ServeFixture.start(options(voices(dir), null, null, CLIENTS, Duration.ofMinutes(5), 2 << 20))) {
            String body = "{\"text\":\"Olá, tudo bem? Bom dia.\",\"voice\":\"ref\",\"nfe\":2,\"seed\":1}";
            byte[] expected = postJson(s, "/v1/synth", body).body();
            AtomicInteger next = new AtomicInteger();
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    fs.add(clients.submit(() -> {
                        while (next.getAndIncrement() < REQUESTS) {
                            long t = System.nanoTime();
                            HttpResponse<byte[]> r = postJson(s, "/v1/synth", body);
                            millis.add((System.nanoTime() - t) / 1_000_000);
                            if (r.statusCode() != 200) failures.add(r.statusCode() + " " + new String(r.body()));
                            else if (!java.util.Arrays.equals(r.body(), expected)) failures.add("different audio");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            } finally {
                clients.shutdown();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            assertThat(failures).isEmpty();
            assertThat(millis).hasSize(REQUESTS);
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "serve load: %d requests from %d clients in %.1f s (%.1f req/s); latency ms "
                            + "p50 %d, p90 %d, p99 %d, max %d%n", REQUESTS, CLIENTS, wall, REQUESTS / wall, pct(sorted, 50),
                    pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1));
        }
    }

    /** Nearest-rank percentile. */
    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
