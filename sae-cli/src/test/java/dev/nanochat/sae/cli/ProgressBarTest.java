package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void rendersFractionRateEtaAndFields() {
        AtomicLong now = new AtomicLong(0);
        var bytes = new ByteArrayOutputStream();
        var bar = new ProgressBar(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                true,
                "train",
                1000,
                "tok",
                now::get,
                10_000_000_000L);
        bar.update(0);
        now.set(2_000_000_000L); // 2 s later, 250 of 1000 done → 125 tok/s, 6 s left
        bar.field("loss", 0.012345).percentField("dead", 0.05);
        bar.update(250);
        String line = bar.render(now.get());
        assertTrue(line.contains(" 25.0% 250/1000 tok"), line);
        assertTrue(line.contains("125 tok/s"), line);
        assertTrue(line.contains("ETA 0:06"), line);
        assertTrue(line.endsWith("loss=0.01235 dead=5.00%"), line);
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r"), "TTY mode redraws in place");
        assertTrue(out.endsWith(System.lineSeparator()));
    }

    @Test
    void plainModePrintsPeriodicLinesOnly() {
        AtomicLong now = new AtomicLong(0);
        var bytes = new ByteArrayOutputStream();
        var bar = new ProgressBar(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false,
                "eval",
                0,
                "rows",
                now::get,
                10_000_000_000L);
        for (int i = 1; i <= 100; i++) { // 100 updates over 25 s → lines at 0 s, 10 s, 20 s, + final
            now.addAndGet(250_000_000L);
            bar.update(i * 10L);
        }
        bar.close();
        bar.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("|", lines));
        assertFalse(lines[0].contains("\r"));
        assertTrue(lines[3].startsWith("eval 1000 rows"), lines[3]);
    }

    @Test
    void humanUnits() {
        assertEquals("18.5k", ProgressBar.human(18_500));
        assertEquals("1.23M", ProgressBar.human(1_234_567));
        assertEquals("1:01:01", ProgressBar.clockTime(3661));
    }
}
