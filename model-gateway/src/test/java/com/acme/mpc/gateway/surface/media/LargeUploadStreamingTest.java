package com.acme.mpc.gateway.surface.media;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeMediaUpstream;
import com.acme.mpc.gateway.testsupport.MediaTestResource;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A 50 MB audio upload goes through the gateway without being held in memory: the live heap (measured after a full
 * GC while the client is still sending, and again while the upstream is receiving) grows by far less than the file.
 * The {@code model} part comes after the file, the order that forces the gateway to spool before it can route.
 */
@QuarkusTest
@QuarkusTestResource(value = MediaTestResource.class, restrictToAnnotatedClass = true)
class LargeUploadStreamingTest {
    private static final long FILE = 50L * 1024 * 1024;
    private static final long PROBE_AT = 40L * 1024 * 1024;
    /** Well below the 50 MB file: what a copy of the upload held in memory would exceed. */
    private static final long MAX_GROWTH = 20L * 1024 * 1024;

    @TestHTTPResource("/v1/audio/transcriptions")
    URL transcriptions;

    @Inject
    CapturingUsageSink usage;

    @Inject
    PromptTokenCounter tokens;

    @Test
    void a50MbTranscriptionUploadStreamsThroughWithFlatHeap() throws Exception {
        String rid = "large-" + UUID.randomUUID();
        // the baseline is taken once the app has warmed up: the tokenizer tables load in the background at start
        // (tens of MB), and a first small upload loads the classes of the path
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!tokens.ready() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().header("Authorization", "Bearer sk-media-master")
                .multiPart("model", "whisper-1")
                .multiPart("file", "warm-up.wav", new byte[64 * 1024], "audio/wav")
                .post("/v1/audio/transcriptions")
                .then()
                .statusCode(200);
        long baseline = liveHeap();
        AtomicLong whileSending = new AtomicLong(-1);
        AtomicLong whileForwarding = new AtomicLong(-1);
        MediaTestResource.upstream.probeUploadAt(PROBE_AT, n -> whileForwarding.set(liveHeap()));
        MultipartAudio body = new MultipartAudio(FILE, PROBE_AT, () -> whileSending.set(liveHeap()));
        // a plain blocking socket: the client holds nothing beyond one 64 KiB chunk, so the heap measured is the
        // gateway's
        String answer;
        try (Socket socket = new Socket(transcriptions.getHost(), transcriptions.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + transcriptions.getPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Authorization: Bearer sk-media-master\r\nx-request-id: " + rid + "\r\n"
                            + "Content-Type: multipart/form-data; boundary=" + MultipartAudio.BOUNDARY + "\r\n"
                            + "Content-Length: " + body.total() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.transferTo(out);
            out.flush();
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).contains("The quick brown fox");

        FakeMediaUpstream.Recorded sent = MediaTestResource.upstream.last("/v1/audio/transcriptions");
        assertThat(sent.fileBytes()).containsEntry("file", FILE);
        assertThat(sent.fileCrc()).containsEntry("file", body.crc());
        assertThat(sent.form()).containsEntry("model", "whisper-1");

        assertThat(whileSending.get()).isPositive();
        assertThat(whileForwarding.get()).isPositive();
        System.out.printf(
                "large upload: live heap growth %d bytes while sending, %d while forwarding%n",
                whileSending.get() - baseline, whileForwarding.get() - baseline);
        assertThat(whileSending.get() - baseline)
                .as("live heap growth while the client sent 40 of 50 MB")
                .isLessThan(MAX_GROWTH);
        assertThat(whileForwarding.get() - baseline)
                .as("live heap growth while the upstream received 40 of 50 MB")
                .isLessThan(MAX_GROWTH);
        assertThat(usage.await(rid, Duration.ofSeconds(5)).callType()).isEqualTo("transcription");
        // the spooled file is deleted when the call ends
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (spooled() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(spooled()).isZero();
    }

    @Test
    void anUploadAboveTheLimitIs413InOpenAiShape() {
        given().header("Authorization", "Bearer sk-media-master")
                .multiPart("model", "whisper-1")
                .multiPart("file", "big.wav", new byte[65 * 1024 * 1024], "audio/wav")
                .post("/v1/audio/transcriptions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"));
    }

    private static long spooled() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(MediaTestResource.uploads)) {
            return files.count();
        }
    }

    private static long liveHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** A multipart body generated as it is read: a file part of {@code size} bytes, then the model field. */
    private static final class MultipartAudio extends InputStream {
        static final String BOUNDARY = "----large-upload-test";
        private final byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                        + " filename=\"long-meeting.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        private final byte[] tail = ("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n"
                        + "whisper-1\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private final long probeAt;
        private final Runnable probe;
        private final CRC32 crc = new CRC32();
        private long position;
        private boolean probed;

        MultipartAudio(long size, long probeAt, Runnable probe) {
            this.size = size;
            this.probeAt = probeAt;
            this.probe = probe;
        }

        long crc() {
            return crc.getValue();
        }

        long total() {
            return head.length + size + tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= total()) {
                return -1;
            }
            int n = 0;
            len = Math.min(len, 64 * 1024);
            while (n < len && position < total()) {
                if (position < head.length) {
                    b[off + n] = head[(int) position];
                } else if (position < head.length + size) {
                    long i = position - head.length;
                    b[off + n] = (byte) (i * 31 + (i >> 12));
                    crc.update(b[off + n]);
                } else {
                    b[off + n] = tail[(int) (position - head.length - size)];
                }
                position++;
                n++;
            }
            if (!probed && position - head.length >= probeAt) {
                probed = true;
                probe.run();
            }
            return n;
        }
    }
}
