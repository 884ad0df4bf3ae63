package com.acme.mpc.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadJournalTest {
    @TempDir
    Path dir;

    @Test
    void aDispatchedCallThatNeverSettledIsFoundAtTheNextOpenWithItsLastProgress() throws Exception {
        WriteAheadJournal j = open(1 << 20);
        j.dispatched("call-1", record("call-1", 120)).get(5, TimeUnit.SECONDS);
        j.dispatched("call-2", record("call-2", 30)).get(5, TimeUnit.SECONDS);
        j.progress("call-1", 7);
        j.progress("call-1", 19);
        j.settled(List.of("call-2"));
        barrier(j);
        // no close: the process is gone as after a SIGKILL (the kernel has what was written)
        WriteAheadJournal again = new WriteAheadJournal(dir, 1 << 20, Duration.ZERO);
        assertThat(again.unsettled())
                .extracting(WriteAheadJournal.Open::eventId)
                .containsExactly("call-1");
        WriteAheadJournal.Open open = again.unsettled().get(0);
        assertThat(open.completionTokens()).isEqualTo(19);
        assertThat(open.dispatched().path("prompt_token_estimate").asLong()).isEqualTo(120);
        assertThat(open.lastSeen()).isAfterOrEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        j.close();
        again.close();
    }

    @Test
    void aSettledCallIsNotFoundAgainAndSettleNowCompactsTheJournal() throws Exception {
        WriteAheadJournal j = open(1 << 20);
        for (int i = 0; i < 50; i++) {
            j.dispatched("c" + i, record("c" + i, 10)).get(5, TimeUnit.SECONDS);
        }
        j.close();
        WriteAheadJournal recovering = new WriteAheadJournal(dir, 1 << 20, Duration.ZERO);
        assertThat(recovering.unsettled()).hasSize(50);
        recovering.settleNow(recovering.unsettled().stream()
                .map(WriteAheadJournal.Open::eventId)
                .toList());
        recovering.close();
        assertThat(segments()).hasSize(1);
        assertThat(Files.size(segments().get(0))).isZero();
        assertThat(new WriteAheadJournal(dir, 1 << 20, Duration.ZERO).unsettled())
                .isEmpty();
    }

    @Test
    void aTornLastRecordIsIgnoredAndCutOff() throws Exception {
        WriteAheadJournal j = open(1 << 20);
        j.dispatched("whole", record("whole", 10)).get(5, TimeUnit.SECONDS);
        j.close();
        Path seg = segments().get(segments().size() - 1);
        long good = Files.size(seg);
        byte[] frame = frameOf(record("torn", 10));
        // a crash in the middle of the write: the header and part of the payload reached the file
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(frame, 0, frame.length / 2));
        }
        WriteAheadJournal again = new WriteAheadJournal(dir, 1 << 20, Duration.ZERO);
        assertThat(again.unsettled())
                .extracting(WriteAheadJournal.Open::eventId)
                .containsExactly("whole");
        assertThat(Files.size(seg)).isEqualTo(good);
        // the journal goes on after the cut: a new record is read back whole
        again.start();
        again.dispatched("after", record("after", 10)).get(5, TimeUnit.SECONDS);
        again.close();
        assertThat(new WriteAheadJournal(dir, 1 << 20, Duration.ZERO).unsettled())
                .extracting(WriteAheadJournal.Open::eventId)
                .containsExactly("whole", "after");
    }

    @Test
    void aLastRecordWithAWrongChecksumIsIgnored() throws Exception {
        WriteAheadJournal j = open(1 << 20);
        j.dispatched("whole", record("whole", 10)).get(5, TimeUnit.SECONDS);
        j.close();
        Path seg = segments().get(segments().size() - 1);
        byte[] frame = frameOf(record("garbled", 10));
        frame[frame.length - 3] ^= 0x5A; // full length on disk, but not the bytes that were meant
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(frame));
        }
        assertThat(new WriteAheadJournal(dir, 1 << 20, Duration.ZERO).unsettled())
                .extracting(WriteAheadJournal.Open::eventId)
                .containsExactly("whole");
    }

    @Test
    void theJournalStaysSmallUnderSteadyTrafficAndCarriesOpenCallsForward() throws Exception {
        WriteAheadJournal j = open(8192);
        // two calls stay open through many rotations (long streams)
        j.dispatched("long-1", record("long-1", 10)).get(5, TimeUnit.SECONDS);
        j.dispatched("long-2", record("long-2", 10)).get(5, TimeUnit.SECONDS);
        j.progress("long-2", 42);
        long maxBytes = 0;
        for (int i = 0; i < 2000; i++) {
            String id = "short-" + i;
            j.dispatched(id, record(id, 10)).get(5, TimeUnit.SECONDS);
            j.settled(List.of(id));
            if (i % 100 == 0) {
                barrier(j);
                maxBytes = Math.max(maxBytes, j.bytes());
                assertThat(segments().size()).as("segments on disk").isLessThanOrEqualTo(2);
            }
        }
        barrier(j);
        j.close();
        // 2000 calls of some 600 bytes each went through; the journal never held much more than one segment
        assertThat(maxBytes).isLessThan(3 * 8192);
        assertThat(new WriteAheadJournal(dir, 8192, Duration.ZERO).unsettled())
                .extracting(WriteAheadJournal.Open::eventId, WriteAheadJournal.Open::completionTokens)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("long-1", 0L),
                        org.assertj.core.groups.Tuple.tuple("long-2", 42L));
    }

    @Test
    void concurrentDispatchesShareForces() throws Exception {
        WriteAheadJournal j = open(64 << 20);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int base = t * 1000;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    String id = "g" + (base + i);
                    CompletableFuture<Void> f = j.dispatched(id, record(id, 10));
                    synchronized (all) {
                        all.add(f);
                    }
                    f.join();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(j.recordsWritten()).isEqualTo(1600);
        assertThat(j.forces()).as("one force per group of dispatches").isLessThan(1600);
        j.close();
    }

    @Test
    void anIncompleteEventBillsThePromptEstimateAndTheRelayedTokens() throws Exception {
        WriteAheadJournal j = open(1 << 20);
        j.dispatched("billed", record("billed", 100)).get(5, TimeUnit.SECONDS);
        j.progress("billed", 25);
        barrier(j);
        j.close();
        WriteAheadJournal.Open open =
                new WriteAheadJournal(dir, 1 << 20, Duration.ZERO).unsettled().get(0);
        ObjectNode e = IncompleteEvents.of(open);
        assertThat(e.path("request_id").asText()).isEqualTo("billed");
        assertThat(e.path("incomplete").asBoolean()).isTrue();
        assertThat(e.path("prompt_tokens").asLong()).isEqualTo(100);
        assertThat(e.path("completion_tokens").asLong()).isEqualTo(25);
        assertThat(new BigDecimal(e.path("cost_usd").asText()))
                .isEqualByComparingTo(new BigDecimal("0.000001")
                        .multiply(BigDecimal.valueOf(100))
                        .add(new BigDecimal("0.000004").multiply(BigDecimal.valueOf(25))));
        assertThat(e.path("status").asText()).isEqualTo("failure");
        assertThat(e.get("http_status").isNull()).isTrue();
        assertThat(Instant.parse(e.path("end_time").asText()))
                .isAfterOrEqualTo(Instant.parse(e.path("start_time").asText()));
    }

    // ---- helpers ----

    private WriteAheadJournal open(long segmentBytes) throws IOException {
        WriteAheadJournal j = new WriteAheadJournal(dir, segmentBytes, Duration.ZERO);
        j.settleNow(List.of());
        j.start();
        return j;
    }

    /** Waits until everything queued before is written: records are written in queue order. */
    private static void barrier(WriteAheadJournal j) throws Exception {
        j.written().get(5, TimeUnit.SECONDS);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".wal"))
                    .sorted()
                    .toList();
        }
    }

    static ObjectNode record(String id, long promptEstimate) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        ObjectNode e = r.putObject("event");
        e.put("request_id", id);
        e.put("call_type", "chat_completion");
        e.put("start_time", Instant.now().toString());
        e.put("end_time", Instant.now().toString());
        e.put("model_group", "g");
        e.put("deployment_id", "d");
        e.put("provider", "openai");
        e.put("prompt_tokens", promptEstimate);
        e.put("completion_tokens", 0);
        e.put("input_cost_per_token", "0.000001");
        e.put("output_cost_per_token", "0.000004");
        e.put("latency_ms", 0);
        e.put("status", "success");
        e.put("stream", true);
        e.put("padding", "x".repeat(300));
        r.put("prompt_token_estimate", promptEstimate);
        r.put("reservation_usd", "0.01");
        r.put("surface", "openai");
        return r;
    }

    private static byte[] frameOf(ObjectNode record) {
        record.put("t", "d");
        record.put("id", record.path("event").path("request_id").asText());
        byte[] p = Json.toBytes(record);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(p);
        return ByteBuffer.allocate(8 + p.length)
                .putInt(p.length)
                .putInt((int) crc.getValue())
                .put(p)
                .array();
    }
}
