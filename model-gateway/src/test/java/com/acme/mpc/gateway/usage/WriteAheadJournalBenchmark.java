package com.acme.mpc.gateway.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cost of write-ahead usage on its own, without the gateway around it: N threads each loop "dispatch a call (wait
 * for its record to be durable), then settle it", as N calls in flight would. Prints calls/s, the p50/p99 wait for
 * durability and the forces per call, at 1, 8 and 64 concurrent callers. Not a test: run with
 * {@code model-gateway/bench/write-ahead-bench.sh [seconds-per-case] [directory]} (the directory decides the disk).
 */
public final class WriteAheadJournalBenchmark {
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("wal-bench");
        System.out.println("| callers | window | calls/s | wait p50 ms | wait p99 ms | forces per call |");
        System.out.println("|---:|---|---:|---:|---:|---:|");
        for (Duration window : List.of(Duration.ZERO, Duration.ofNanos(200_000))) {
            for (int callers : new int[] {1, 8, 64}) {
                run(base.resolve("j-" + callers + "-" + window.toNanos()), callers, window, seconds);
            }
        }
    }

    private static void run(Path dir, int callers, Duration window, long seconds) throws Exception {
        WriteAheadJournal j = new WriteAheadJournal(dir, 8 << 20, window);
        j.settleNow(List.of());
        j.start();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        List<long[]> waits = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int[] counts = new int[callers];
        for (int t = 0; t < callers; t++) {
            long[] mine = new long[callers == 1 ? 2_000_000 : 200_000];
            waits.add(mine);
            int me = t;
            threads.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                long seq = 0;
                while (!stop.get()) {
                    String id = me + "-" + seq++;
                    ObjectNode r = WriteAheadJournalTest.record(id, 20);
                    long t0 = System.nanoTime();
                    j.dispatched(id, r).join();
                    long waited = System.nanoTime() - t0;
                    j.settled(List.of(id));
                    if (measuring.get() && n < mine.length) {
                        mine[n++] = waited;
                    }
                }
                counts[me] = n;
            }));
        }
        Thread.sleep(1000); // warm-up
        long forces0 = j.forces();
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000);
        measuring.set(false);
        long elapsed = System.nanoTime() - t0;
        long forces = j.forces() - forces0;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        j.close();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int p = 0;
        for (int t = 0; t < callers; t++) {
            System.arraycopy(waits.get(t), 0, all, p, counts[t]);
            p += counts[t];
        }
        Arrays.sort(all);
        System.out.printf(
                "| %d | %s | %.0f | %.3f | %.3f | %.3f |%n",
                callers,
                window.isZero() ? "0" : (window.toNanos() / 1000) + "us",
                total / (elapsed / 1e9),
                all[total / 2] / 1e6,
                all[(int) (total * 0.99)] / 1e6,
                forces / (double) Math.max(1, total));
    }
}
