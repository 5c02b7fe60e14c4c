package dev.nanochat.sae.viz;

import static dev.nanochat.sae.viz.VizFixture.*;
import static dev.nanochat.sae.viz.VizTestResource.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.nanochat.sae.core.records.TrainingProgress;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI in a real headless Chromium (Debian's /usr/bin/chromium through Playwright): shaded tokens
 * of the top example, a drawn histogram, keyboard navigation, and the runs page's per-step curves
 * growing while training-progress records arrive, with checkpoints marked. Screenshots go to target/screenshots/ as test artifacts.
 */
@QuarkusTest
@QuarkusTestResource(VizTestResource.class)
class BrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync");
    static Playwright playwright;
    static Browser browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void launch() throws Exception {
        Files.createDirectories(SHOTS);
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of(System.getenv().getOrDefault("SAE_CHROMIUM", "/usr/bin/chromium")))
                        .setHeadless(true)
                        .setArgs(FLAGS));
    }

    @AfterAll
    static void close() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private Page page() {
        Page p = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000))
                .newPage();
        p.setDefaultTimeout(20_000);
        return p;
    }

    @Test
    void feature_page_shows_shaded_top_example_histogram_and_moves_with_the_keyboard() throws Exception {
        VizFlowTest.ensureDashboard();
        long id = given().get("/api/saes").jsonPath().getLong("[0].id");
        int idx = given().get("/api/saes/" + id + "/features?sort=max_act&size=1")
                .jsonPath()
                .getInt("features[0].idx");
        Page p = page();
        p.navigate(url("/saes/" + id + "/features/" + idx));
        assertTrue(p.locator("h1").textContent().contains("Feature " + idx));
        assertEquals(
                "Top activations",
                p.locator("section.group h2")
                        .first()
                        .textContent()
                        .replaceAll("\\s+<.*", "")
                        .trim()
                        .replaceAll("\\s+$", "")
                        .split("\n")[0]
                        .trim());
        // The qualifying token of the top example is the feature's max: fully shaded.
        var q = p.locator("section.group").first().locator(".example").first().locator(".t.q");
        assertEquals(1, q.count());
        assertEquals("1.000", q.evaluate("e => getComputedStyle(e).getPropertyValue('--a').trim()"));
        String bg = (String) q.evaluate("e => getComputedStyle(e).backgroundColor");
        assertTrue(bg.startsWith("rgba(239, 108, 0") || bg.startsWith("rgb(239, 108, 0"), bg);
        int shaded = ((Number) p.evaluate("() => [...document.querySelectorAll('section.group .example .t')]"
                        + ".filter(e => parseFloat(getComputedStyle(e).getPropertyValue('--a')) > 0).length"))
                .intValue();
        assertTrue(shaded >= 1);
        // The activation histogram is drawn: bars in the chart and non-blank pixels on the canvas.
        int bars = ((Number) p.evaluate("() => Chart.getChart('act-hist').data.datasets[0].data.length")).intValue();
        assertTrue(bars >= 1, "bars " + bars);
        int painted = ((Number) p.evaluate("() => { const c = document.getElementById('act-hist');"
                        + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                        + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"))
                .intValue();
        assertTrue(painted > 500, "painted pixels " + painted);
        assertEquals(10, p.locator("#pos-logits tbody tr").count());
        assertEquals(10, p.locator("#neighbours li").count());
        p.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve("feature.png"))
                .setFullPage(true));

        int next = (idx + 1) % N;
        p.keyboard().press("ArrowRight");
        p.waitForURL(Pattern.compile(".*/saes/" + id + "/features/" + next + "$"));
        assertTrue(p.locator("h1").textContent().contains("Feature " + next));
        p.keyboard().press("k");
        p.waitForURL(Pattern.compile(".*/saes/" + id + "/features/" + idx + "$"));
        // A dead feature (latent 0 never fires) says so instead of showing examples.
        p.navigate(url("/saes/" + id + "/features/0"));
        assertTrue(p.content().contains("never fired"));
        p.close();
    }

    @Test
    void sae_page_and_feature_browser_sort_page_and_jump() throws Exception {
        VizFlowTest.ensureEvaluation();
        long id = given().get("/api/saes").jsonPath().getLong("[0].id");
        Page p = page();
        p.navigate(url("/saes/" + id));
        assertEquals("2", p.locator("#dead").textContent().trim());
        // The evaluator's held-out metrics are rows of their own and place this SAE on the L0/FVU chart.
        String heldOut = p.locator("#eval-rows").textContent();
        assertTrue(heldOut.contains("fvu") && heldOut.contains("0.21000"), heldOut);
        assertTrue(heldOut.contains("ce_loss_recovered") && heldOut.contains("0.93000"), heldOut);
        assertEquals(
                0.21,
                ((Number) p.evaluate("() => Chart.getChart('l0fvu').data.datasets[0].data[0].y")).doubleValue(),
                1e-9);
        assertEquals("(held-out)", p.locator("#l0fvu-source").textContent().trim());
        int densityBars =
                ((Number) p.evaluate("() => Chart.getChart('density').data.datasets[0].data.length")).intValue();
        assertTrue(densityBars >= 1);
        p.screenshot(
                new Page.ScreenshotOptions().setPath(SHOTS.resolve("sae.png")).setFullPage(true));
        p.navigate(url("/saes/" + id + "/features?sort=max_act&size=20"));
        assertEquals(20, p.locator("#feature-list tbody tr").count());
        p.locator("#next-page").click();
        p.waitForURL(Pattern.compile(".*[?&]page=1(&.*)?$"));
        assertEquals(20, p.locator("#feature-list tbody tr").count());
        p.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve("features.png"))
                .setFullPage(true));
        p.locator("#jump").fill("7");
        p.locator("form.jump button").click();
        p.waitForURL(Pattern.compile(".*/saes/" + id + "/features/7$"));
        // The Neuronpedia-style address leads to the same page.
        String source = given().get("/api/saes").jsonPath().getString("[0].sourceId");
        p.navigate(url("/" + MODEL_ID + "/" + source + "/9"));
        p.waitForURL(Pattern.compile(".*/saes/" + id + "/features/9$"));
        p.close();
    }

    @Test
    void runs_page_updates_while_a_run_trains() throws Exception {
        VizFlowTest.ensureDashboard();
        Page p = page();
        p.navigate(url("/runs"));
        p.waitForFunction("() => document.getElementById('live').textContent === 'live'");
        int before = Integer.parseInt(p.locator("#point-count").textContent().trim());
        String run = "live-" + RUN;
        for (int step = 1; step <= 4; step++) {
            sendEvent(event(
                    run,
                    step * 10,
                    false,
                    saeDir,
                    sha,
                    Map.of(
                            "mse",
                            1.0 / step,
                            "l0",
                            30.0 - step,
                            "explained_variance",
                            0.5 + 0.1 * step,
                            "dead_fraction",
                            0.05)));
        }
        p.waitForFunction("n => Number(document.getElementById('point-count').textContent) >= n", before + 4);
        p.waitForFunction(
                "r => Chart.getChart('chart-mse').data.datasets.some(d => d.label === r && d.data.length === 4)", run);
        assertTrue(p.locator("#runs-table tbody tr[data-run='" + run + "']").count() == 1);

        // Per-step points from sae.training-progress: the chart gains them while they arrive, in two bursts.
        String steps = "steps-live-" + RUN;
        sendProgress(stepRange(steps, 1, 40));
        p.waitForFunction(LENGTH + " === 40", steps);
        sendProgress(stepRange(steps, 41, 400)); // a burst: the SSE stream must buffer, not drop the client
        p.waitForFunction(LENGTH + " === 400", steps);
        // A checkpoint at a step that has a point marks it (◆) instead of adding one.
        sendEvent(event(steps, 300, false, saeDir, sha, Map.of("mse", mse(300), "dlq_records", 0.0)));
        p.waitForFunction(
                "r => { const d = Chart.getChart('chart-loss').data.datasets.find(d => d.label === r);"
                        + " const pt = d && d.data.find(x => x.step === 300); return pt && pt.ck; }",
                steps);
        assertEquals(400, ((Number) p.evaluate(LENGTH, steps)).intValue());
        assertEquals(
                1,
                ((Number) p.evaluate(
                                "r => Chart.getChart('chart-loss').data.datasets.find(d => d.label === r)"
                                        + ".data.filter(x => x.ck).length",
                                steps))
                        .intValue());
        var row = p.locator("#runs-table tbody tr[data-run='" + steps + "'] td");
        assertEquals("400", row.nth(1).textContent());
        assertEquals("400", row.nth(3).textContent());
        assertEquals("1", row.nth(4).textContent());
        // x = step by default; the tokens axis redraws the same points at step × 4096.
        assertEquals(400, ((Number) p.evaluate(LAST_X, steps)).intValue());
        p.locator("input[name=x-axis][value=tokens]").check();
        p.waitForFunction(LAST_X + " === 400 * 4096", steps);
        p.locator("input[name=x-axis][value=step]").check();
        p.waitForFunction(LAST_X + " === 400", steps);
        p.screenshot(
                new Page.ScreenshotOptions().setPath(SHOTS.resolve("runs.png")).setFullPage(true));
        p.close();
    }

    /** Expressions of the run id {@code r}: its loss dataset's point count, and its last point's x. */
    static final String LENGTH =
            "r => (Chart.getChart('chart-loss').data.datasets.find(d => d.label === r) || {data: []}).data.length";

    static final String LAST_X =
            "r => Chart.getChart('chart-loss').data.datasets.find(d => d.label === r).data.slice(-1)[0].x";

    /** A plausible training curve: loss and MSE falling like 1/√step with a little wobble, L0 settling. */
    static double mse(int step) {
        return 0.8 / Math.sqrt(step) + 0.01 * Math.sin(step * 0.3);
    }

    static List<TrainingProgress> stepRange(String run, int from, int to) {
        List<TrainingProgress> out = new java.util.ArrayList<>();
        for (int step = from; step <= to; step++) {
            out.add(progress(
                    run,
                    step,
                    Map.of(
                            "loss",
                            1.2 * mse(step) + 0.05,
                            "mse",
                            mse(step),
                            "fvu",
                            mse(step) / 1.2,
                            "l0",
                            32 + 40 * Math.exp(-step / 60.0),
                            "dead_fraction",
                            0.2 * (1 - Math.exp(-step / 150.0)))));
        }
        return out;
    }
}
