package com.acme.mpc.testsupport.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a seeded fuzz test: each case's request comes from its own {@code Random(seed, case)}, so a failure names its
 * seed and case and replays alone. Bounded by system properties: {@code fuzz.seed} (default: the clock),
 * {@code fuzz.cases} (3,000), {@code fuzz.seconds} (45) and {@code fuzz.case} (replay just that case).
 */
public final class FuzzRun {
    private static final int CLIENTS = 4;

    private FuzzRun() {}

    /** What every answer must satisfy; {@code where} names the case, how to rerun it and the request. */
    @FunctionalInterface
    public interface Check {
        void check(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) throws Exception;
    }

    /**
     * Sends the cases to {@code root} from a few clients at once and checks each answer. Throws the first failure;
     * otherwise asserts that enough cases were sent (at least 1,000, or all of them when fewer were asked for) and
     * returns how many.
     */
    public static int run(URL root, Function<Random, HttpFuzz.Request> requests, Check check) throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.cases", 3000);
        Integer only = Integer.getInteger("fuzz.case");
        long deadline = System.nanoTime() + Long.getLong("fuzz.seconds", 45) * 1_000_000_000L;
        Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
        AtomicInteger next = new AtomicInteger(only == null ? 0 : only);
        AtomicInteger sentCount = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int last = only == null ? cases : only + 1;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < CLIENTS; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while (failures.isEmpty() && System.nanoTime() < deadline && (i = next.getAndIncrement()) < last) {
                        HttpFuzz.Request request = requests.apply(new Random(seed * 1_000_003L + i));
                        String where = "fuzz case " + i + " of seed " + seed + " (rerun: -Dfuzz.seed=" + seed
                                + " -Dfuzz.case=" + i + ")\n" + request.describe();
                        try {
                            HttpFuzz.Answer answer = HttpFuzz.send(root.getHost(), root.getPort(), request);
                            sentCount.incrementAndGet();
                            statuses.merge(answer.status(), 1, Integer::sum);
                            check.check(request, answer, where);
                        } catch (Throwable e) {
                            failures.add(e instanceof AssertionError ? e : new AssertionError(where + "\n" + e, e));
                        }
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int sent = sentCount.get();
        if (!failures.isEmpty()) {
            throw (AssertionError) failures.peek();
        }
        System.out.println("fuzz seed " + seed + ": " + sent + " requests, statuses " + statuses);
        assertThat(sent).as("seed " + seed).isGreaterThanOrEqualTo(only == null ? Math.min(cases, 1000) : 1);
        return sent;
    }
}
