package com.acme.mpc.testsupport.openapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class files a module compiled from src/main/java ({@code target/classes}: tests run in the module's directory,
 * and Quarkus' class loader gives no code source location to start from).
 */
public final class CompiledClasses {
    private CompiledClasses() {}

    public static Path ofThisModule() {
        return Path.of("target", "classes");
    }

    /** The binary names of every class below {@code classes}. */
    public static List<String> names(Path classes) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .toList();
        }
    }

    /**
     * The class files below {@code classes} whose bytes hold {@code text} (a type descriptor such as
     * {@code Ljakarta/ws/rs/Path;} for a class that uses the annotation).
     */
    public static List<Path> containing(Path classes, String text) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".class")
                        && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
                    found.add(f);
                }
            }
        }
        return found;
    }
}
