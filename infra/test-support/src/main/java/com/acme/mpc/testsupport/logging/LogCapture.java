package com.acme.mpc.testsupport.logging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures the log records of the running application (all categories), each with the MDC it was written with. The
 * MDC is copied in {@link #publish}, on the thread and Vert.x context that logged, as the console handler sees it.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    /** One captured line. */
    public record Line(String category, String level, String message, Map<String, String> mdc) {
        public String mdc(String key) {
            return mdc.get(key);
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.root.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        Map<String, String> mdc = record instanceof ExtLogRecord ext ? ext.getMdcCopy() : Map.of();
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        lines.add(new Line(record.getLoggerName(), record.getLevel().getName(), message, Map.copyOf(mdc)));
    }

    public List<Line> lines() {
        return lines;
    }

    /** Waits for the first line that matches (lines written after the response, e.g. at the end of a stream). */
    public Line await(Predicate<Line> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Line> found = lines.stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line matched within " + timeout + "; captured: " + lines);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
