package com.acme.mpc.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageSpoolTest {
    @TempDir
    Path dir;

    private static List<byte[]> records(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> ("{\"request_id\":\"r" + i + "\"}").getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    private static List<String> text(UsageSpool.Batch b) {
        return b.records().stream()
                .map(r -> new String(r, StandardCharsets.UTF_8))
                .toList();
    }

    private static List<String> drain(UsageSpool spool, int batch) {
        List<String> all = new ArrayList<>();
        for (int guard = 0; guard < 10_000; guard++) {
            UsageSpool.Batch b = spool.read(batch);
            if (b.isEmpty()) {
                break;
            }
            all.addAll(text(b));
            spool.commit(b.end(), b.records().size());
        }
        return all;
    }

    @Test
    void readsInAppendOrderAndOnlyCommitAdvances() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            assertThat(spool.append(records(0, 5))).isEqualTo(5);
            UsageSpool.Batch first = spool.read(3);
            assertThat(text(first))
                    .containsExactly("{\"request_id\":\"r0\"}", "{\"request_id\":\"r1\"}", "{\"request_id\":\"r2\"}");
            // not committed: the same records come again
            assertThat(text(spool.read(3))).isEqualTo(text(first));
            spool.commit(first.end(), 3);
            assertThat(spool.backlogRecords()).isEqualTo(2);
            assertThat(text(spool.read(10))).containsExactly("{\"request_id\":\"r3\"}", "{\"request_id\":\"r4\"}");
        }
    }

    @Test
    void aNewInstanceResumesAfterTheLastCommit() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            spool.append(records(0, 10));
            UsageSpool.Batch b = spool.read(4);
            spool.commit(b.end(), 4);
            spool.read(3); // read but never committed: must come again after the restart
        }
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            assertThat(spool.backlogRecords()).isEqualTo(6);
            spool.append(records(10, 12));
            List<String> rest = drain(spool, 5);
            assertThat(rest).hasSize(8).first().isEqualTo("{\"request_id\":\"r4\"}");
            assertThat(rest).last().isEqualTo("{\"request_id\":\"r11\"}");
            assertThat(spool.backlogRecords()).isZero();
        }
    }

    @Test
    void rotatesSegmentsAndDeletesDeliveredOnes() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1024)) {
            spool.append(records(0, 300)); // ~ 20 bytes each: several 1 KiB segments
            assertThat(segments()).hasSizeGreaterThan(3);
            List<String> all = drain(spool, 7);
            assertThat(all).hasSize(300);
            assertThat(all)
                    .isEqualTo(records(0, 300).stream()
                            .map(r -> new String(r, StandardCharsets.UTF_8))
                            .toList());
            assertThat(segments()).hasSize(1);
            assertThat(spool.bytes()).isZero();
        }
        // after a full drain and a restart nothing is delivered twice
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1024)) {
            assertThat(spool.backlogRecords()).isZero();
            assertThat(spool.read(10).isEmpty()).isTrue();
        }
    }

    @Test
    void refusesRecordsBeyondTheBoundAndKeepsTheSpooledOnes() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 200, 1 << 20)) {
            // r0..r9 take 19 bytes + newline each: exactly 10 fit in 200 bytes
            int accepted = spool.append(records(0, 20));
            assertThat(accepted).isEqualTo(10);
            assertThat(spool.full()).isTrue();
            assertThat(spool.bytes()).isLessThanOrEqualTo(200);
            assertThat(spool.append(records(20, 21))).isZero();
            List<String> got = drain(spool, 100);
            assertThat(got).hasSize(10).first().isEqualTo("{\"request_id\":\"r0\"}");
            assertThat(spool.full()).isFalse();
            assertThat(spool.append(records(30, 31))).isEqualTo(1);
        }
    }

    @Test
    void toleratesALastLineCutShortByACrash() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            spool.append(records(0, 3));
        }
        Path segment = segments().get(0);
        Files.writeString(segment, "{\"request_id\":\"half", StandardOpenOption.APPEND);
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            assertThat(spool.backlogRecords()).isEqualTo(3);
            spool.append(records(3, 4));
            assertThat(drain(spool, 10))
                    .containsExactly(
                            "{\"request_id\":\"r0\"}",
                            "{\"request_id\":\"r1\"}",
                            "{\"request_id\":\"r2\"}",
                            "{\"request_id\":\"r3\"}");
        }
    }

    @Test
    void oneProcessPerDirectory() throws IOException {
        try (UsageSpool spool = new UsageSpool(dir, 1 << 20, 1 << 20)) {
            assertThatThrownBy(() -> new UsageSpool(dir, 1 << 20, 1 << 20))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("segment-"))
                    .sorted()
                    .toList();
        }
    }
}
