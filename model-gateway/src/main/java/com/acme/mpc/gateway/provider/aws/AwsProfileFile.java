package com.acme.mpc.gateway.provider.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The AWS shared config files' INI format: {@code [name]} sections in the credentials file, {@code [profile name]}
 * (and {@code [default]}) in the config file, {@code key = value} lines, {@code #} and {@code ;} comments. Indented
 * lines belong to a nested setting (an {@code s3 =} block) and are skipped.
 */
final class AwsProfileFile {
    /** Profile settings that make the SDKs fetch credentials some other way, which this gateway does not do. */
    private static final Set<String> OTHER_SOURCES =
            Set.of("role_arn", "source_profile", "credential_source", "credential_process", "web_identity_token_file");

    private AwsProfileFile() {}

    /** The settings of {@code [section]} in {@code text}; empty when absent (or the text is null). */
    static Map<String, String> section(String text, String section) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        boolean inside = false;
        for (String raw : text.split("\\R")) {
            if (raw.isBlank() || Character.isWhitespace(raw.charAt(0))) {
                continue;
            }
            String line = raw.strip();
            if (line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                String name = end < 0 ? "" : line.substring(1, end).strip().replaceAll("\\s+", " ");
                inside = name.equals(section);
                continue;
            }
            int eq = line.indexOf('=');
            if (inside && eq > 0) {
                out.put(
                        line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                        line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /**
     * The profile's settings: the config file's section, overridden key by key by the credentials file's, as the AWS
     * SDKs merge them.
     */
    static Map<String, String> profile(String name, String credentialsText, String configText) {
        Map<String, String> merged = new LinkedHashMap<>(section(configText, "profile " + name));
        if (merged.isEmpty() && name.equals("default")) {
            merged.putAll(section(configText, "default"));
        }
        merged.putAll(section(credentialsText, name));
        return merged;
    }

    /** The first setting that needs a credential source other than static keys, or null. */
    static String otherSource(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (OTHER_SOURCES.contains(key) || key.startsWith("sso_")) {
                return key;
            }
        }
        return null;
    }
}
