package com.acme.mpc.cost.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written checks accept and reject exactly what the regular expressions / the JDK parser do. */
class FieldSyntaxTest {
    private static final List<String> TIMES = List.of(
            "2026-11-28T10:15:30Z",
            "2026-11-28T10:15:30.123Z",
            "2026-11-28T10:15:30.123456789Z",
            "2026-11-28T10:15:30.1234567891Z",
            "2026-11-28t10:15:30z",
            "2026-11-28T10:15:30+01:00",
            "2026-11-28T10:15:30.5-05:30",
            "2026-11-28T10:15:30-00:00",
            "2026-11-28T10:15:30+18:00",
            "2026-11-28T10:15:30+18:01",
            "2026-11-28T10:15:30+19:00",
            "2026-11-28T10:15:30+0100",
            "2026-11-28T10:15:30+01",
            "2026-11-28T10:15:30+01:00:30",
            "2026-11-28T10:15Z",
            "2026-11-28T10:15:30.Z",
            "2026-11-28T10:15:30",
            "2026-11-28 10:15:30Z",
            "2026-02-29T10:15:30Z",
            "2024-02-29T10:15:30Z",
            "2026-13-01T10:15:30Z",
            "2026-11-31T10:15:30Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T23:60:00Z",
            "2026-11-28T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "+12026-11-28T10:15:30Z",
            "2026-1-28T10:15:30Z",
            "2026-11-28T10:15:30.12a4Z",
            "yesterday",
            "");

    @Test
    void timesParseExactlyAsTheJdkDoes() {
        for (String s : TIMES) {
            assertEquals(jdk(s), ours(s), s);
        }
    }

    private static String jdk(String s) {
        try {
            return OffsetDateTime.parse(s).toString();
        } catch (DateTimeParseException e) {
            return "rejected";
        }
    }

    private static String ours(String s) {
        try {
            return FieldSyntax.parseTime(s).toString();
        } catch (DateTimeParseException e) {
            return "rejected";
        }
    }

    @Test
    void namesAreCheckedAsTheContractPatternsSay() {
        Pattern hex = Pattern.compile("[0-9a-fA-F]{64}");
        Pattern provider = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
        Pattern host = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]{1,255}");
        List<String> samples = List.of(
                "",
                "a",
                "openai",
                "azure_ai",
                "vertex-ai.v1",
                "_openai",
                "-x",
                "OpenAI",
                "open ai",
                "api.openai.com",
                "[::1]:8080",
                "user:pw@host",
                "https://x",
                "h/path",
                "ü",
                "0".repeat(64),
                "aF".repeat(32),
                "g".repeat(64),
                "0".repeat(63),
                "0".repeat(65),
                "a".repeat(64),
                "a".repeat(65),
                "a".repeat(255),
                "a".repeat(256));
        for (String s : samples) {
            assertEquals(hex.matcher(s).matches(), FieldSyntax.isHex64(s), "hex " + s);
            assertEquals(provider.matcher(s).matches(), FieldSyntax.isProviderName(s), "provider " + s);
            assertEquals(host.matcher(s).matches(), FieldSyntax.isHostName(s), "host " + s);
        }
    }
}
