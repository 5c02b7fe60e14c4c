package dev.nanochat.sae.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A real database blip mid-run: the test terminates every server session of the trainer's pool
 * (pg_terminate_backend, what a PostgreSQL restart or failover does to clients) several times while
 * the run trains. The run must survive: retries counted in its status, then COMPLETED with exactly the
 * distinct records trained (resumed from the last checkpoint and its offsets, nothing twice).
 */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class TransientFaultTest {
    private static final int RECORDS = 400;
    private static final int ROWS = 64;

    @Test
    void database_blips_are_retried_and_the_run_completes_exactly_once() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.blip");
        ActivationTopics.create(topic, 2);
        try (ActivationTopics p = new ActivationTopics()) {
            for (int i = 0; i < RECORDS; i++) {
                float[] x = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 7000 + i).sample(ROWS);
                p.send(topic, i % 2, p.record(x, ROWS, Runs.D_IN, dev.nanochat.sae.core.records.Split.TRAIN));
            }
        }
        long distinct = (long) RECORDS * ROWS;
        String id = Runs.create(Runs.request(topic, distinct, 512));
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String user = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.datasource.username", String.class)
                .orElse("postgres");
        String password = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.datasource.password", String.class)
                .orElse("");
        int kills = 0;
        try (Connection admin = DriverManager.getConnection(url, user, password);
                Statement st = admin.createStatement()) {
            long end = System.currentTimeMillis() + 60_000;
            // Kill every 100 ms from the run's start, but read the run's status only every 10th time: each
            // kill leaves the pool's connections dead for their next borrower, and a status read taking
            // them (the REST read is a borrower too) would absorb the failures the trainer should meet.
            int tick = 0;
            while (System.currentTimeMillis() < end && kills < 50) {
                Thread.sleep(100);
                if (tick++ % 10 == 9) {
                    JsonPath run = get(id);
                    if (run != null && run.getString("status").equals("COMPLETED")) {
                        break;
                    }
                }
                try (var rs = st.executeQuery("select count(*) from (select pg_terminate_backend(pid) from"
                        + " pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
                        + " and backend_type = 'client backend') t")) {
                    rs.next();
                    kills += rs.getInt(1) > 0 ? 1 : 0;
                }
            }
        }
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonPath r = get(id);
                    if (r != null && r.getString("status").equals("FAILED")) {
                        throw new AssertionError("run failed for good: " + r.getString("error"));
                    }
                    return r != null && r.getString("status").equals("COMPLETED");
                });
        JsonPath done = get(id);
        assertTrue(kills > 0, "the test killed the pool's sessions at least once");
        assertTrue(done.getInt("retries") >= 1, "a transient failure was survived: " + done.prettify());
        assertTrue(done.getString("lastError") != null
                && !done.getString("lastError").isBlank());
        assertEquals(distinct, done.getLong("tokensCheckpointed"), "every record trained once, none twice");
        assertEquals(distinct, done.getLong("tokensTrained"));
        assertEquals(0, done.getLong("dlqRecords"));
    }

    private static JsonPath get(String id) {
        try {
            var r = io.restassured.RestAssured.given().get("/api/runs/" + id);
            return r.statusCode() == 200 ? r.jsonPath() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
