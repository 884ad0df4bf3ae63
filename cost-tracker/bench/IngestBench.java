// Ingest benchmark: POSTs batches of synthetic usage events to a running cost-tracker and reports
// events/s. Run with a JDK 21+ (single-file source launch):
//   java IngestBench.java [baseUrl] [totalEvents] [batchSize] [concurrency] [masterKey]
// Defaults: http://127.0.0.1:4100 500000 1000 4 $LITELLM_MASTER_KEY. Bounded: stops after totalEvents.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

public class IngestBench {
    static final String[][] MODELS = {
        {"gpt-4o", "gpt-4o-2024-08-06", "openai"}, {"gpt-4o-mini", "gpt-4o-mini", "openai"},
        {"claude-sonnet-4", "claude-sonnet-4-20250514", "anthropic"}, {"gpt-4.1", "gpt-4.1", "azure"},
        {"o4-mini", "o4-mini", "openai"}, {"claude-haiku-4-5", "claude-haiku-4-5", "anthropic"}
    };

    // the same 200 key hashes as always, formatted once: String.format per event was a tenth of the
    // generator's CPU, which shares the 2 cores with the service under test
    static final String[] KEY_HASHES = new String[200];

    static {
        for (int k = 0; k < KEY_HASHES.length; k++) {
            KEY_HASHES[k] = String.format("%064x", k + 1);
        }
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:4100";
        long total = args.length > 1 ? Long.parseLong(args[1]) : 500_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        String key = args.length > 4 ? args[4] : System.getenv().getOrDefault("LITELLM_MASTER_KEY", "");
        String run = Long.toString(System.currentTimeMillis(), 36);
        // HTTP/1.1 like the gateway's usage sender (CostTrackerUsageSink); INGEST_HTTP=2 for the JDK default
        HttpClient.Version version = "2".equals(System.getenv("INGEST_HTTP"))
                ? HttpClient.Version.HTTP_2
                : HttpClient.Version.HTTP_1_1;
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(version)
                .build();
        long batches = (total + batch - 1) / batch;
        AtomicLong next = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        // warm-up: 20 batches, not counted
        for (int i = 0; i < 20; i++) {
            post(http, base, key, body(run + "w", i, batch));
        }
        // daemon threads: a failed request (e.g. a 60 s timeout) ends the run instead of leaving it hanging
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            fs.add(pool.submit(() -> {
                long b;
                while ((b = next.getAndIncrement()) < batches) {
                    String body = body(run, b, batch);
                    long s = System.nanoTime();
                    HttpResponse<String> r = post(http, base, key, body);
                    latencies.add((System.nanoTime() - s) / 1_000_000);
                    if (r.statusCode() == 200) {
                        accepted.addAndGet(batch);
                    } else {
                        failed.incrementAndGet();
                        System.err.println(r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        List<Long> l = new ArrayList<>(latencies);
        java.util.Collections.sort(l);
        System.out.printf(
                "http=%s events=%d batches=%d batch_size=%d concurrency=%d seconds=%.2f events_per_s=%.0f failed_batches=%d "
                        + "batch_latency_ms p50=%d p95=%d max=%d%n",
                version, accepted.get(), batches, batch, concurrency, secs, accepted.get() / secs, failed.get(),
                l.get(l.size() / 2), l.get((int) (l.size() * 0.95)), l.get(l.size() - 1));
    }

    static HttpResponse<String> post(HttpClient http, String base, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/usage/events"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!key.isEmpty()) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Instant.toString() (ISO_INSTANT: fraction in groups of 3 digits, none when 0), written by hand:
     * the formatter was the generator's largest cost after the HTTP client.
     */
    static void iso(StringBuilder sb, Instant t) {
        long secs = t.getEpochSecond();
        java.time.LocalDate d = java.time.LocalDate.ofEpochDay(Math.floorDiv(secs, 86_400));
        int sod = (int) Math.floorMod(secs, 86_400);
        pad(sb, d.getYear(), 4).append('-');
        pad(sb, d.getMonthValue(), 2).append('-');
        pad(sb, d.getDayOfMonth(), 2).append('T');
        pad(sb, sod / 3600, 2).append(':');
        pad(sb, sod / 60 % 60, 2).append(':');
        pad(sb, sod % 60, 2);
        int nano = t.getNano();
        if (nano != 0) {
            sb.append('.');
            if (nano % 1_000_000 == 0) {
                pad(sb, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                pad(sb, nano / 1000, 6);
            } else {
                pad(sb, nano, 9);
            }
        }
        sb.append('Z');
    }

    static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    static String body(String run, long batchNo, int size) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(size * 700).append('[');
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(',');
            }
            int k = rnd.nextInt(200);
            String[] m = MODELS[rnd.nextInt(MODELS.length)];
            int prompt = 50 + rnd.nextInt(4000);
            int completion = rnd.nextInt(1000);
            int latency = 200 + rnd.nextInt(5000);
            Instant start = now.minusMillis(rnd.nextInt(86_400_000));
            sb.append("{\"request_id\":\"bench-").append(run).append('-').append(batchNo).append('-').append(i)
                    .append("\",\"call_type\":\"chat_completion\",\"start_time\":\"");
            iso(sb, start);
            sb.append("\",\"first_token_time\":\"");
            iso(sb, start.plusMillis(latency / 4));
            sb.append("\",\"end_time\":\"");
            iso(sb, start.plusMillis(latency));
            sb.append("\",\"key_hash\":\"").append(KEY_HASHES[k])
                    .append("\",\"key_alias\":\"key-").append(k)
                    .append("\",\"user\":\"user-").append(k % 100)
                    .append("\",\"team_id\":\"team-").append(k % 10)
                    .append("\",\"end_user\":\"app-").append(k % 20)
                    .append("\",\"tags\":[\"env:prod\",\"job:").append(k % 7)
                    .append("\"],\"model_group\":\"").append(m[0])
                    .append("\",\"model\":\"").append(m[1])
                    .append("\",\"deployment_id\":\"dep-").append(m[0])
                    .append("\",\"provider\":\"").append(m[2])
                    .append("\",\"api_base_host\":\"api.example.com\",\"prompt_tokens\":").append(prompt)
                    .append(",\"completion_tokens\":").append(completion)
                    .append(",\"cached_read_tokens\":").append(prompt / 4)
                    .append(",\"cache_creation_tokens\":0,\"reasoning_tokens\":0,\"latency_ms\":").append(latency)
                    .append(",\"ttft_ms\":").append(latency / 4)
                    .append(",\"status\":\"success\",\"http_status\":200,\"cache_hit\":false,\"stream\":true}");
        }
        return sb.append(']').toString();
    }
}
