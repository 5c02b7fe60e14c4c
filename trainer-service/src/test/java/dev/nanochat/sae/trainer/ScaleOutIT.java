package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What KEDA does to trainer pods on a cluster, shown with real processes on the local broker: 3 trainer
 * processes and 6 runs (6 run slots = 6 partitions of the control topic) spread 2/2/2; SIGKILL one and
 * its 2 runs resume on the survivors from their last checkpoints (3/3) within a bound; start a fourth
 * (a scale-up) and the cooperative rebalance hands it 2 runs, each resuming from the checkpoint its
 * previous owner wrote on revocation. Activations keep arriving throughout. Prints the measured times.
 */
class ScaleOutIT {
    static final int RUNS = 6;
    static final int ROWS = 256;
    static final int SESSION_TIMEOUT_MS = 6000;
    /** Failover bound: session timeout (dead member noticed) + rebalance + resume, with room for a loaded host. */
    static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    @Test
    void runs_spread_over_trainers_move_off_a_killed_one_and_rebalance_onto_a_new_one() throws Exception {
        String id8 = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>();
        env.put("SAE_TOPICS_SUFFIX", ".scale-" + id8);
        env.put("SAE_TRAINER_GROUP", "sae-trainers-scale-" + id8);
        env.put("SAE_TRAINER_RUN_SLOTS", Integer.toString(RUNS));
        // All six runs are created before any trainer owns them, so the per-device bound must admit them.
        env.put("SAE_TRAINER_RUNS_PER_DEVICE", Integer.toString(RUNS));
        env.put("SAE_SESSION_TIMEOUT_MS", Integer.toString(SESSION_TIMEOUT_MS));
        env.put(
                "SAE_CHECKPOINT_DIR",
                Files.createTempDirectory("trainer-scale-").toString());
        Path logs = Path.of("target", "it-logs", "scale-" + id8);
        String topic = ActivationTopics.uniqueTopic("sae.activations.scale");
        ActivationTopics.create(topic, 2);

        List<TrainerProcess> processes = new ArrayList<>();
        AtomicBoolean feeding = new AtomicBoolean(true);
        Thread feeder = null;
        try (ActivationTopics producer = new ActivationTopics()) {
            for (String name : List.of("trainer-a", "trainer-b", "trainer-c")) {
                processes.add(TrainerProcess.start(name, freePort(), env, logs));
            }
            for (TrainerProcess p : processes) {
                p.awaitReady(Duration.ofSeconds(180));
            }
            feeder = new Thread(() -> feed(producer, topic, feeding));
            feeder.start();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                ids.add(given().baseUri(processes.get(i % 3).baseUrl())
                        .contentType(ContentType.JSON)
                        .body(Runs.request(topic, null, 8L * ROWS))
                        .post("/api/runs")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id"));
            }

            // 1. Spread: every run checkpointing, two per instance.
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> owners(processes.get(0), ids).values().stream().allMatch(n -> n == 2)
                            && ids.stream()
                                    .allMatch(id -> get(processes.get(0), id).getLong("tokensCheckpointed") > 0));
            double spreadS = seconds(t0);
            assertEquals(Map.of("trainer-a", 2, "trainer-b", 2, "trainer-c", 2), owners(processes.get(0), ids));

            // 2. Kill one: its runs resume on the survivors from their last checkpoints.
            TrainerProcess victim = processes.get(0);
            List<String> victimRuns = ids.stream()
                    .filter(id -> victim.name().equals(owner(processes.get(1), id)))
                    .toList();
            victim.kill9();
            long tKill = System.nanoTime();
            List<TrainerProcess> alive = List.of(processes.get(1), processes.get(2));
            Map<String, Long> atKill = new TreeMap<>();
            for (String id : victimRuns) {
                atKill.put(id, get(alive.get(0), id).getLong("tokensCheckpointed"));
                assertTrue(atKill.get(id) > 0, "run " + id + " had a checkpoint before the kill");
            }
            await().atMost(FAILOVER_BOUND).pollInterval(Duration.ofMillis(250)).until(() -> victimRuns.stream()
                    .allMatch(id -> resumedOn(alive, id, atKill.get(id))));
            double failoverS = seconds(tKill);
            assertEquals(Map.of("trainer-b", 3, "trainer-c", 3), owners(alive.get(0), ids));

            // 3. Scale up: a new instance joins and takes two runs, each resuming where its old owner stopped.
            TrainerProcess added = TrainerProcess.start("trainer-d", freePort(), env, logs);
            processes.add(added);
            long tJoin = System.nanoTime();
            added.awaitReady(Duration.ofSeconds(180));
            double startupS = seconds(tJoin);
            long tReady = System.nanoTime();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> owners(added, ids).getOrDefault("trainer-d", 0) == 2
                            && owners(added, ids).values().stream().allMatch(n -> n == 2));
            double rebalanceS = seconds(tReady);
            assertEquals(Map.of("trainer-b", 2, "trainer-c", 2, "trainer-d", 2), owners(added, ids));
            for (String id : ids.stream()
                    .filter(id -> "trainer-d".equals(owner(added, id)))
                    .toList()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> added.log().contains("run " + id + " (epoch"));
                String line = added.log()
                        .lines()
                        .filter(l -> l.contains("run " + id + " (epoch"))
                        .findFirst()
                        .orElseThrow();
                long from = Long.parseLong(line.replaceAll(".* starts at (\\d+) tokens.*", "$1"));
                assertTrue(from > 0, "a moved run resumes from a checkpoint, not from zero: " + line);
            }
            // Nothing went backwards or failed.
            for (String id : ids) {
                JsonPath r = get(added, id);
                assertEquals("RUNNING", r.getString("status"), "run " + id + ": " + r.getString("error"));
            }
            System.out.printf(
                    "SCALE-OUT: 3 trainers, %d runs: spread 2/2/2 and checkpointing after %.1f s; "
                            + "SIGKILL of one: its %d runs resumed from their checkpoints on the survivors after %.1f s "
                            + "(session timeout %.1f s, ratio %.2f); 4th trainer: ready after %.1f s, rebalanced to 2/2/2 "
                            + "after a further %.1f s%n",
                    RUNS,
                    spreadS,
                    victimRuns.size(),
                    failoverS,
                    SESSION_TIMEOUT_MS / 1000.0,
                    failoverS / (SESSION_TIMEOUT_MS / 1000.0),
                    startupS,
                    rebalanceS);
        } finally {
            feeding.set(false);
            if (feeder != null) {
                feeder.join();
            }
            for (TrainerProcess p : processes) {
                p.close();
            }
        }
    }

    /** True once another instance owns the run and logged resuming it at the checkpoint it had at the kill. */
    private static boolean resumedOn(List<TrainerProcess> alive, String id, long checkpointed) {
        String owner = owner(alive.get(0), id);
        try {
            for (TrainerProcess p : alive) {
                if (p.name().equals(owner)
                        && p.log()
                                .lines()
                                .anyMatch(l -> l.contains("run " + id + " (epoch")
                                        && l.contains("starts at " + checkpointed + " tokens"))) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return false;
    }

    private static Map<String, Integer> owners(TrainerProcess via, List<String> ids) {
        return ids.stream()
                .map(id -> owner(via, id))
                .filter(o -> o != null)
                .collect(Collectors.toMap(o -> o, o -> 1, Integer::sum, TreeMap::new));
    }

    private static String owner(TrainerProcess via, String id) {
        JsonPath r = get(via, id);
        return "RUNNING".equals(r.getString("status")) ? r.getString("ownerInstance") : null;
    }

    private static JsonPath get(TrainerProcess p, String id) {
        return given().baseUri(p.baseUrl())
                .get("/api/runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** ~20 records/s of 256 rows over two partitions until told to stop (bounded at 10 minutes). */
    private static void feed(ActivationTopics producer, String topic, AtomicBoolean feeding) {
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 7);
        long end = System.currentTimeMillis() + 600_000;
        try {
            for (int i = 0; feeding.get() && System.currentTimeMillis() < end; i++) {
                producer.send(topic, i % 2, producer.record(data.sample(ROWS), ROWS, Runs.D_IN, Split.TRAIN));
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
