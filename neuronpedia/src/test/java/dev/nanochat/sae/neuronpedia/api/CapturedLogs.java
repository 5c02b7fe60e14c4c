package dev.nanochat.sae.neuronpedia.api;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Every log line of every logger (JUL, which slf4j-jdk14 and the JDK's HTTP client log to), formatted, with stack traces. */
final class CapturedLogs extends Handler implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Level before = root.getLevel();
    private final SimpleFormatter fmt = new SimpleFormatter();

    CapturedLogs() {
        setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        StringBuilder sb = new StringBuilder(fmt.format(r));
        if (r.getParameters() != null)
            for (Object p : r.getParameters()) sb.append(' ').append(p);
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append(w);
        }
        lines.add(sb.toString());
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(before);
    }
}
