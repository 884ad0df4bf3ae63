package com.acme.mpc.gateway.surface.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seconds of audio a transcription or translation is billed for, from the upstream's answer (the gateway never
 * decodes audio): OpenAI's {@code usage: {type: "duration", seconds}}, else the {@code duration} of a
 * {@code verbose_json} answer, else the end of the last cue of an {@code srt}/{@code vtt} answer; 0 when the answer
 * tells none (a plain {@code text} answer from a server that reports no usage).
 */
final class AudioDuration {
    private static final Pattern CUE_END = Pattern.compile("-->\\s*(?:(\\d+):)?(\\d{1,2}):(\\d{2})[.,](\\d{1,3})");

    private AudioDuration() {}

    static double ofJson(JsonNode answer) {
        JsonNode usage = answer.path("usage");
        if ("duration".equals(usage.path("type").asText())
                && usage.path("seconds").isNumber()) {
            return Math.max(0, usage.path("seconds").asDouble());
        }
        JsonNode duration = answer.get("duration");
        if (duration != null && (duration.isNumber() || duration.isTextual())) {
            try {
                return Math.max(0, Double.parseDouble(duration.asText()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static double ofSubtitles(String text) {
        Matcher m = CUE_END.matcher(text);
        double last = 0;
        while (m.find()) {
            double hours = m.group(1) == null ? 0 : Double.parseDouble(m.group(1));
            double s = hours * 3600
                    + Double.parseDouble(m.group(2)) * 60
                    + Double.parseDouble(m.group(3))
                    + Double.parseDouble("0." + m.group(4));
            last = Math.max(last, s);
        }
        return last;
    }
}
