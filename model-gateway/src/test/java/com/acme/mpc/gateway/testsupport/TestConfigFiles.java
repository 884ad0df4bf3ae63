package com.acme.mpc.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a LiteLLM config for a test resource to a temporary file that is deleted when the JVM exits. */
public final class TestConfigFiles {
    private TestConfigFiles() {}

    /** The path of a new temporary {@code <prefix>*.yaml} holding {@code yaml}. */
    public static String write(String prefix, String yaml) {
        try {
            Path file = Files.createTempFile(prefix, ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
