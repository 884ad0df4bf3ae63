package com.acme.mpc.testsupport.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

/** The checks every fuzzed answer gets, whatever the service and its error shape. */
public final class FuzzChecks {
    private static final Pattern UNDECODABLE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private FuzzChecks() {}

    /**
     * Asserts that the server answered at all and never with a 5xx; returns whether the answer is an error whose
     * body the application wrote, so its shape is to be checked: a 4xx to anything but HEAD (no body) or a target
     * with a broken percent-escape (refused by Vert.x before the application, a bare 400).
     */
    public static boolean isApplicationError(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) {
        assertThat(answer.status()).as(where + "\nanswer: " + answer.head()).isGreaterThan(0);
        assertThat(answer.status()).as(describe(where, answer)).isLessThan(500);
        return answer.status() >= 400
                && !request.method().equals("HEAD")
                && !UNDECODABLE.matcher(request.path()).find();
    }

    /** The case and the whole answer, for a failure message. */
    public static String describe(String where, HttpFuzz.Answer answer) {
        return where + "\nanswer: " + answer.head() + "\n" + answer.body();
    }

    /** The request target without its query. */
    public static String pathOnly(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
