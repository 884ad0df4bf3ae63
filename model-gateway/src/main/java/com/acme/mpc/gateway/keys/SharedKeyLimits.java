package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.cache.RedisLink;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * Key and team rpm/tpm/parallel counters shared by every gateway replica through Redis, in fixed clock-minute windows
 * like LiteLLM's. Keys: {@code {namespace}:rpm:{id}:{epochMinute}} and {@code ...:tpm:...} (counters expiring after 2
 * minutes) and {@code {namespace}:parallel:{id}}, a sorted set of the calls in flight scored by the end of their lease.
 * One Lua script checks every level of a call (team, then key) and, only if all are within their limits, counts it on
 * each, so the check and the count are atomic across replicas and a call refused by one level counts on none. A call's
 * parallel slot is removed when it ends; a slot whose replica died leaves the count when its lease runs out.
 */
final class SharedKeyLimits {
    /** How long a call in flight holds its parallel slot at most when its replica never gives it back. */
    static final long PARALLEL_LEASE_MS = 600_000;

    /*
     * ARGV: now (ms), lease (ms), slot id, then per level (KEYS rpm, tpm, parallel) its rpm, tpm and parallel limits
     * (-1: none). Returns {-1} when admitted, else {level index, limit name, requests, tokens, in flight} of the first
     * level that refuses.
     */
    private static final String ADMIT = "local now = tonumber(ARGV[1])\n"
            + "local lease = tonumber(ARGV[2])\n"
            + "local n = #KEYS / 3\n"
            + "for i = 0, n - 1 do\n"
            + "  local b = i * 3\n"
            + "  redis.call('ZREMRANGEBYSCORE', KEYS[b + 3], '-inf', now)\n"
            + "  local req = tonumber(redis.call('GET', KEYS[b + 1]) or '0')\n"
            + "  local tok = tonumber(redis.call('GET', KEYS[b + 2]) or '0')\n"
            + "  local par = redis.call('ZCARD', KEYS[b + 3])\n"
            + "  local rpm = tonumber(ARGV[b + 4])\n"
            + "  local tpm = tonumber(ARGV[b + 5])\n"
            + "  local mp = tonumber(ARGV[b + 6])\n"
            + "  local which = nil\n"
            + "  if mp >= 0 and par >= mp then which = 'max_parallel_requests'\n"
            + "  elseif rpm >= 0 and req >= rpm then which = 'rpm_limit'\n"
            + "  elseif tpm >= 0 and tok >= tpm then which = 'tpm_limit' end\n"
            + "  if which then return {i, which, req, tok, par} end\n"
            + "end\n"
            + "for i = 0, n - 1 do\n"
            + "  local b = i * 3\n"
            + "  if redis.call('INCR', KEYS[b + 1]) == 1 then redis.call('EXPIRE', KEYS[b + 1], 120) end\n"
            + "  if tonumber(ARGV[b + 6]) >= 0 then\n"
            + "    redis.call('ZADD', KEYS[b + 3], now + lease, ARGV[3])\n"
            + "    redis.call('PEXPIRE', KEYS[b + 3], lease)\n"
            + "  end\n"
            + "end\n"
            + "return {-1}";

    private static final String INCR_WITH_EXPIRY =
            "local c = redis.call('INCRBY', KEYS[1], ARGV[1]) if c == tonumber(ARGV[1]) then"
                    + " redis.call('EXPIRE', KEYS[1], ARGV[2]) end return c";

    /** One level of a call: its counter id (key hash or {@code team:<id>}) and limits (null: none). */
    record Level(String id, Integer rpm, Integer tpm, Integer parallel) {}

    /** The answer of the script: admitted, or which level refused with what and its current counts. */
    record Outcome(int refusedLevel, String which, long requests, long tokens, long inFlight) {
        boolean admitted() {
            return refusedLevel < 0;
        }
    }

    private final RedisLink redis;
    private final String namespace;

    SharedKeyLimits(RedisLink redis, String namespace) {
        this.redis = redis;
        this.namespace = namespace;
    }

    /** Whether the link is believed up (a down link is not waited on: admission counts in process instead). */
    boolean available() {
        return redis.up();
    }

    String rpmKey(String id, long minute) {
        return namespace + ":rpm:" + id + ":" + minute;
    }

    String tpmKey(String id, long minute) {
        return namespace + ":tpm:" + id + ":" + minute;
    }

    String parallelKey(String id) {
        return namespace + ":parallel:" + id;
    }

    /** Checks and counts the call on every level at once; fails when Redis does not answer. */
    Uni<Outcome> admit(List<Level> levels, String slotId, long nowMillis) {
        long minute = nowMillis / 60_000;
        List<String> args = new ArrayList<>();
        args.add(ADMIT);
        args.add(Integer.toString(levels.size() * 3));
        for (Level l : levels) {
            args.add(rpmKey(l.id(), minute));
            args.add(tpmKey(l.id(), minute));
            args.add(parallelKey(l.id()));
        }
        args.add(Long.toString(nowMillis));
        args.add(Long.toString(PARALLEL_LEASE_MS));
        args.add(slotId);
        for (Level l : levels) {
            args.add(limit(l.rpm()));
            args.add(limit(l.tpm()));
            args.add(limit(l.parallel()));
        }
        return redis.call(api -> api.eval(args)).map(r -> {
            int level = r.get(0).toInteger();
            if (level < 0) {
                return new Outcome(-1, null, 0, 0, 0);
            }
            return new Outcome(
                    level,
                    r.get(1).toString(),
                    r.get(2).toLong(),
                    r.get(3).toLong(),
                    r.get(4).toLong());
        });
    }

    private static String limit(Integer v) {
        return v == null ? "-1" : Integer.toString(v);
    }

    /** Gives back the call's parallel slot on each level (fire-and-forget; the lease ends it otherwise). */
    void release(List<Level> levels, String slotId) {
        for (Level l : levels) {
            if (l.parallel() != null) {
                redis.send(api -> api.zrem(List.of(parallelKey(l.id()), slotId)));
            }
        }
    }

    /** Adds a finished call's tokens to the level's counter of the current minute (fire-and-forget). */
    void addTokens(String id, long nowMillis, long tokens) {
        String key = tpmKey(id, nowMillis / 60_000);
        redis.send(api -> api.eval(List.of(INCR_WITH_EXPIRY, "1", key, Long.toString(tokens), "120")));
    }
}
