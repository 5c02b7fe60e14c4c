package dev.nanochat.sae.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Terminal progress bar: fraction, rate, ETA and named fields (loss, L0, dead %...).
 *
 * Design: on a TTY the bar redraws one line in place ("\r") at most every 100 ms; when stdout is not a
 * TTY (CI logs, pipes, files) it degrades to one plain line every {@code plainIntervalSeconds} (10 s by
 * default) plus a final line, so logs stay readable. The rate is measured from the first update, so JIT
 * warm-up before it does not count. {@code SAE_PROGRESS=plain|tty} forces a mode.
 * Usage: {@code try (var bar = ProgressBar.create("train", total, "tok")) { bar.field("loss", 0.1); bar.update(n); }}
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 28;
    private final PrintStream out;
    private final boolean tty;
    private final String label;
    private final long total;
    private final String unit;
    private final LongSupplier clock;
    private final long plainIntervalNanos;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private long startNanos = -1;
    private long lastDrawNanos = Long.MIN_VALUE / 2;
    private long done;
    private int lastLineLength;
    private boolean finished;

    /** A bar on stdout; total ≤ 0 means unknown (no fraction/ETA). */
    public static ProgressBar create(String label, long total, String unit) {
        return create(System.out, label, total, unit);
    }

    /** A bar on stderr, for commands whose stdout is their result (e.g. `sae neuronpedia export`). */
    public static ProgressBar onStderr(String label, long total, String unit) {
        return create(System.err, label, total, unit);
    }

    private static ProgressBar create(PrintStream out, String label, long total, String unit) {
        String mode = System.getenv("SAE_PROGRESS");
        boolean tty = mode == null ? System.console() != null : mode.equalsIgnoreCase("tty");
        return new ProgressBar(out, tty, label, total, unit, System::nanoTime, 10_000_000_000L);
    }

    public ProgressBar(
            PrintStream out,
            boolean tty,
            String label,
            long total,
            String unit,
            LongSupplier clockNanos,
            long plainIntervalNanos) {
        this.out = out;
        this.tty = tty;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.clock = clockNanos;
        this.plainIntervalNanos = plainIntervalNanos;
    }

    /** Sets a custom field shown after the rate, e.g. {@code field("loss", "0.0123")}. */
    public ProgressBar field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    /** Numeric field with 4 significant digits. */
    public ProgressBar field(String name, double value) {
        return field(name, String.format(Locale.ROOT, "%.4g", value));
    }

    /** Percentage field, e.g. dead fraction 0.0123 → "1.23%". */
    public ProgressBar percentField(String name, double fraction) {
        return field(name, String.format(Locale.ROOT, "%.2f%%", 100 * fraction));
    }

    /** Adds {@code delta} units of work done. */
    public void step(long delta) {
        update(done + delta);
    }

    /** Sets the absolute amount of work done and redraws if due. */
    public void update(long doneNow) {
        long now = clock.getAsLong();
        if (startNanos < 0) startNanos = now;
        done = doneNow;
        long interval = tty ? 100_000_000L : plainIntervalNanos;
        if (now - lastDrawNanos >= interval) {
            draw(now);
            lastDrawNanos = now;
        }
    }

    /** Draws the final state and ends the line; idempotent. */
    public void finish() {
        if (finished) return;
        finished = true;
        draw(clock.getAsLong());
        if (tty) out.println();
        out.flush();
    }

    @Override
    public void close() {
        finish();
    }

    /** The current line, without carriage return (visible for tests). */
    String render(long now) {
        double seconds = startNanos < 0 ? 0 : (now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(frac * WIDTH);
            sb.append('[')
                    .append("=".repeat(filled))
                    .append(" ".repeat(WIDTH - filled))
                    .append("] ");
            sb.append(String.format(Locale.ROOT, "%5.1f%% ", 100 * frac));
            sb.append(human(done)).append('/').append(human(total)).append(' ').append(unit);
        } else {
            sb.append(human(done)).append(' ').append(unit);
        }
        sb.append(' ').append(human(rate)).append(' ').append(unit).append("/s");
        if (total > 0) {
            String eta = rate > 0 && done < total ? clockTime((total - done) / rate) : done >= total ? "0:00" : "?";
            sb.append(" ETA ").append(eta);
        }
        sb.append(" elapsed ").append(clockTime(seconds));
        fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    private void draw(long now) {
        String line = render(now);
        if (tty) {
            // Pad with spaces so a shorter line fully overwrites the previous one.
            int pad = Math.max(0, lastLineLength - line.length());
            out.print('\r' + line + " ".repeat(pad));
            lastLineLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String human(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (a >= 1e4) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        if (a == Math.rint(a)) return String.format(Locale.ROOT, "%d", (long) v);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String clockTime(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        long h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
