package com.acme.mpc.gateway.usage;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Write-ahead usage ({@link WriteAheadJournal}): a call is recorded durably before it is dispatched to a provider, so
 * that a gateway killed mid-call still bills it (as an {@code incomplete} event) at its next start. Active only with
 * usage delivery to cost-tracker ({@code gateway.cost-tracker.url}); the journal lives in
 * {@code <spool-dir>/write-ahead}. See model-gateway/README.md, "Write-ahead usage".
 */
@ConfigMapping(prefix = "gateway.usage.write-ahead")
public interface WriteAheadSettings {

    /**
     * Record each call before dispatching it (env {@code GATEWAY_USAGE_WRITE_AHEAD_ENABLED}). Off: a call in flight when
     * the gateway dies is never billed.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Extra time the journal writer waits after the first record of a batch before it writes and forces the batch.
     * 0: a batch is whatever queued while the previous force ran (no added latency when idle); a few hundred
     * microseconds trade latency for fewer forces under high load.
     */
    @WithDefault("0ms")
    Duration groupCommitWindow();

    /** Size at which the journal starts a new segment (carrying over the open calls) and deletes the old ones. */
    @WithDefault("8M")
    MemorySize segmentBytes();

    /**
     * How often a stream notes its relayed completion tokens in the journal (at most once per interval per stream, on
     * a chunk): what an incomplete event can bill beyond the prompt.
     */
    @WithDefault("1s")
    Duration progressInterval();
}
