package com.acme.mpc.gateway.config;

import java.util.List;

/** A configuration that cannot be served; the message names the file, each key path and what is wrong. */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super("invalid gateway config " + source + ":\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
