package com.acme.mpc.gateway.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Describes a JSON parse failure in the client's terms: what and where, never Jackson's class or feature names. */
final class JsonErrors {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);
    /** What is left before Jackson's hint about its own configuration ("...: enable `JsonReadFeature.X`"). */
    private static final Pattern HINT_TAIL = Pattern.compile("[\\s:;,(]*(\\b(enable|set|use))?[\\s(]*$");

    private JsonErrors() {}

    static String message(JsonProcessingException e) {
        String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String what;
        Matcher dup = DUPLICATE.matcher(raw);
        if (e instanceof StreamConstraintsException) {
            what = raw.contains("nesting depth")
                    ? "JSON nested too deeply"
                    : raw.startsWith("Number value length")
                            ? "JSON number too long"
                            : raw.startsWith("String value length")
                                    ? "JSON string too long"
                                    : "JSON document too large";
        } else if (dup.find()) {
            what = "duplicate key '" + dup.group(1) + "'";
        } else if (e instanceof MismatchedInputException && raw.startsWith("Trailing token")) {
            what = "unexpected data after the JSON value";
        } else if (e instanceof MismatchedInputException) {
            what = "no JSON value";
        } else {
            int tick = raw.indexOf('`');
            what = tick < 0
                    ? raw.strip()
                    : HINT_TAIL.matcher(raw.substring(0, tick)).replaceAll("");
            if (what.isEmpty()
                    || what.contains("Feature")
                    || what.contains("Constraints")
                    || what.contains("jackson")) {
                what = "malformed JSON";
            }
        }
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        return "invalid JSON body: " + what + where;
    }

    /** The duplicated key, when that is the fault. */
    static String param(JsonProcessingException e) {
        Matcher m = DUPLICATE.matcher(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
        return m.find() ? m.group(1) : null;
    }
}
