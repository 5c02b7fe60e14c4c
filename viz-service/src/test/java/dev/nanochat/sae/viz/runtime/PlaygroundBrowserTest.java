package dev.nanochat.sae.viz.runtime;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.nanochat.sae.support.test.ApiAuth;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The playground in a real headless Chromium: tokens shaded by the chosen feature exactly as
 * activation/new reports it, per-token top features linking to their feature pages, and the streamed
 * steering panel showing the same DEFAULT and STEERED texts the API returns for those settings.
 * Screenshots land in target/screenshots/.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class PlaygroundBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Playwright playwright;
    static Browser browser;
    static Path shots;

    @TestHTTPResource("/playground")
    URL playground;

    @BeforeAll
    static void launch() throws Exception {
        shots = Files.createDirectories(Path.of("target", "screenshots"));
        playwright = Playwright.create();
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setHeadless(true)
                        .setExecutablePath(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync")));
    }

    @AfterAll
    static void close() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    @Test
    void shadesTokensListsTopFeaturesAndStreamsDefaultVersusSteered() throws Exception {
        // The strongest feature of 1-res1 on the page's default text (a live feature to shade by).
        String text = "It was the best of times, it was the worst of times.";
        JsonNode hits = JSON.readTree(given().contentType(ContentType.JSON)
                .body("{\"modelId\":\"d2-000600\",\"text\":" + JSON.writeValueAsString(text)
                        + ",\"selectedLayers\":[\"1-res1\"],\"numResults\":1}")
                .post("/api/search-all")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        int feature = hits.get("result").get(0).get("index").asInt();
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1200, 1400));
        page.navigate(playground + "?model=d2-000600&source=1-res1&feature=" + feature);
        assertEquals(text, page.inputValue("#text"));
        // Without a token the API refuses and the page says so; a read token is enough.
        page.click("#run");
        page.waitForSelector("#status.err");
        assertTrue(page.textContent("#status").contains("401"), page.textContent("#status"));
        page.fill("#token", ApiAuth.READ_TOKEN);
        page.dispatchEvent("#token", "change");
        page.click("#run");
        page.waitForFunction(
                "document.querySelectorAll('#tokens .tok').length > 0 && document.querySelectorAll('#top tbody tr').length > 0");
        JsonNode want = JSON.readTree(given().contentType(ContentType.JSON)
                .body("{\"feature\":{\"modelId\":\"d2-000600\",\"source\":\"1-res1\",\"index\":" + feature
                        + "},\"customText\":" + JSON.writeValueAsString(text) + "}")
                .post("/api/activation/new")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        Locator toks = page.locator("#tokens .tok");
        assertEquals(want.get("tokens").size(), toks.count());
        for (int t = 0; t < toks.count(); t++) {
            assertEquals(
                    want.get("values").get(t).floatValue(),
                    Float.parseFloat(toks.nth(t).getAttribute("data-value")),
                    1e-6);
        }
        // The peak token is marked and fully shaded; a zero token is unshaded.
        int peak = want.get("maxValueTokenIndex").asInt();
        assertTrue(toks.nth(peak).getAttribute("class").contains("sel"));
        assertTrue(
                toks.nth(peak).getAttribute("style").contains("rgb(255, 122, 0)"),
                toks.nth(peak).getAttribute("style"));
        for (int t = 0; t < toks.count(); t++) {
            if (want.get("values").get(t).floatValue() == 0f) {
                assertTrue(
                        toks.nth(t).getAttribute("style").contains("rgba(255, 122, 0, 0)"),
                        toks.nth(t).getAttribute("style"));
            }
        }
        assertEquals(want.get("tokens").size(), page.locator("#top tbody tr").count());
        Locator links = page.locator("#top a.flink");
        assertTrue(links.count() >= want.get("tokens").size(), "every token lists features");
        String href = links.first().getAttribute("href");
        assertTrue(href.matches("/d2-000600/[01]-res[01]/\\d+"), href);
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(shots.resolve("playground-track.png"))
                .setFullPage(true));

        // Steering: the preset row steers the shaded feature; use a strong strength and the default settings.
        page.fill(".edit .e-strength", "12");
        page.fill("#n-tokens", "24");
        page.click("#generate");
        page.waitForSelector("#steer-status:has-text('done')", new Page.WaitForSelectorOptions().setTimeout(120_000));
        JsonNode api = JSON.readTree(given().contentType(ContentType.JSON)
                .body("{\"prompt\":" + JSON.writeValueAsString(page.inputValue("#prompt"))
                        + ",\"modelId\":\"d2-000600\",\"features\":[{\"modelId\":\"d2-000600\",\"layer\":\"1-res1\",\"index\":"
                        + feature + ",\"strength\":12,\"method\":\"ADDITIVE\"}],"
                        + "\"temperature\":0.7,\"n_tokens\":24,\"seed\":16,\"strength_multiplier\":1}")
                .post("/api/steer")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals(api.get("DEFAULT").asText(), page.textContent("#default"));
        assertEquals(api.get("STEERED").asText(), page.textContent("#steered"));
        assertNotEquals(page.textContent("#default"), page.textContent("#steered"));
        String events = page.textContent("#steer-status");
        assertTrue(Integer.parseInt(events.replaceAll("\\D", "")) > 2, "streamed: " + events);
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(shots.resolve("playground-steer.png"))
                .setFullPage(true));

        // A request over the limit shows the API's 400 detail instead of a result.
        page.fill("#n-tokens", "999");
        page.click("#generate");
        page.waitForSelector(
                "#steer-status.err", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
        assertTrue(
                page.textContent("#steer-status").contains("n_tokens must be an integer in 1..256"),
                page.textContent("#steer-status"));
        page.close();
    }
}
