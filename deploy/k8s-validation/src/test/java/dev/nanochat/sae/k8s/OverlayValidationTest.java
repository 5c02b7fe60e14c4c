package dev.nanochat.sae.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders the real overlays with kubectl and validates them; then breaks them one rule at a time (in the
 * rendered objects, and once through a broken kustomize overlay) and checks each break is caught with a
 * message naming the object and the rule.
 */
class OverlayValidationTest {
    static final Path K8S = Path.of("..", "k8s");
    static final Path README = K8S.resolve("README.md");

    /** Rendered once per overlay (kubectl is the slow part); every caller gets freshly parsed objects to edit. */
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    static List<Manifest> render(String overlay) throws Exception {
        String yaml = RENDERED.get(overlay);
        if (yaml == null) {
            yaml = Kustomize.render(K8S.resolve("overlays").resolve(overlay));
            RENDERED.put(overlay, yaml);
        }
        return Kustomize.parse(yaml);
    }

    static String readme() throws Exception {
        return Files.readString(README);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "gpu"})
    void every_overlay_is_valid(String overlay) throws Exception {
        List<Violation> v =
                ManifestValidator.validateOverlay(K8S.resolve("overlays").resolve(overlay), README);
        assertEquals(List.of(), v, overlay + " violations");
    }

    @Test
    void overlays_have_the_sizes_the_issue_asks_for() throws Exception {
        List<Manifest> dev = render("dev");
        List<Manifest> prod = render("prod");
        List<Manifest> gpu = render("gpu");
        assertEquals(List.of("dual:1:[\"controller\",\"broker\"]"), pools(dev));
        assertEquals(List.of("brokers:3:[\"broker\"]", "controllers:3:[\"controller\"]"), pools(prod));
        assertEquals(
                1, one(dev, "Cluster", "sae-pg").path("spec").path("instances").asInt());
        assertEquals(
                3, one(prod, "Cluster", "sae-pg").path("spec").path("instances").asInt());
        JsonNode cfg =
                one(prod, "Kafka", "sae-kafka").path("spec").path("kafka").path("config");
        assertEquals(3, cfg.path("default.replication.factor").asInt());
        assertEquals(2, cfg.path("min.insync.replicas").asInt());
        for (Manifest t :
                prod.stream().filter(m -> m.kind().equals("KafkaTopic")).toList()) {
            assertEquals(3, t.tree().path("spec").path("replicas").asInt(), t.name());
        }
        assertEquals(
                "compact",
                one(prod, "KafkaTopic", "sae.runs")
                        .path("spec")
                        .path("config")
                        .path("cleanup.policy")
                        .asText());
        assertEquals(
                List.of(
                        "sae.checkpoints",
                        "sae.dashboards",
                        "sae.dlq",
                        "sae.evaluations",
                        "sae.runs",
                        "sae.training-progress"),
                prod.stream()
                        .filter(m -> m.kind().equals("KafkaTopic"))
                        .map(Manifest::name)
                        .sorted()
                        .toList());
        // GPU only for trainers, and only in the gpu overlay.
        assertEquals(List.of("trainer-service"), gpuWorkloads(gpu));
        assertEquals(List.of(), gpuWorkloads(prod));
        assertEquals(List.of(), gpuWorkloads(dev));
        assertEquals(
                0,
                dev.stream()
                        .filter(m -> m.kind().equals("HorizontalPodAutoscaler"))
                        .count());
    }

    private static List<String> pools(List<Manifest> all) {
        return all.stream()
                .filter(m -> m.kind().equals("KafkaNodePool"))
                .map(m ->
                        m.name() + ":" + m.tree().path("spec").path("replicas").asInt() + ":"
                                + m.tree().path("spec").path("roles"))
                .sorted()
                .toList();
    }

    private static List<String> gpuWorkloads(List<Manifest> all) {
        return all.stream()
                .filter(m ->
                        m.kind().equals("Deployment") && m.tree().toString().contains("\"nvidia.com/gpu\""))
                .map(Manifest::name)
                .toList();
    }

    static JsonNode one(List<Manifest> all, String kind, String name) {
        return all.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .findFirst()
                .orElseThrow()
                .tree();
    }

    /** Validates prod after one edit and returns the messages. */
    private static String broken(String overlay, Consumer<List<Manifest>> edit) throws Exception {
        List<Manifest> all = render(overlay);
        edit.accept(all);
        List<Manifest> reparsed = all.stream().map(m -> Manifest.of(m.tree())).toList();
        List<Violation> v = ManifestValidator.validate(reparsed, overlay.contains("gpu"), readme());
        assertTrue(!v.isEmpty(), "the broken manifest must fail validation");
        return v.stream().map(Violation::toString).collect(Collectors.joining("\n"));
    }

    private static ObjectNode container(List<Manifest> all, String deployment) {
        return (ObjectNode) one(all, "Deployment", deployment)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    /** Adds a Kafka trigger (on the trainers' own group) to the trainer ScaledObject; returns its metadata. */
    private static ObjectNode kafkaTrigger(List<Manifest> all) {
        ObjectNode t = ((com.fasterxml.jackson.databind.node.ArrayNode)
                        one(all, "ScaledObject", "trainer-service").path("spec").path("triggers"))
                .addObject()
                .put("type", "kafka");
        return t.putObject("metadata")
                .put("bootstrapServers", "sae-kafka-kafka-bootstrap:9092")
                .put("consumerGroup", "sae-trainers")
                .put("topic", "sae.runs")
                .put("lagThreshold", "1");
    }

    /** The metrics-api trigger's metadata of the trainer ScaledObject. */
    private static ObjectNode scalingTrigger(List<Manifest> all) {
        for (JsonNode t :
                one(all, "ScaledObject", "trainer-service").path("spec").path("triggers")) {
            if (t.path("type").asText().equals("metrics-api")) return (ObjectNode) t.path("metadata");
        }
        throw new AssertionError("no metrics-api trigger");
    }

    @Test
    void the_trainers_scale_on_their_own_scaling_endpoint() throws Exception {
        for (String overlay : List.of("dev", "prod", "gpu")) {
            JsonNode so =
                    one(render(overlay), "ScaledObject", "trainer-service").path("spec");
            assertEquals(1, so.path("triggers").size(), overlay);
            JsonNode md = so.path("triggers").get(0).path("metadata");
            assertEquals("metrics-api", so.path("triggers").get(0).path("type").asText());
            assertEquals(
                    "http://trainer-service.nanochat-sae.svc:8082/scaling",
                    md.path("url").asText());
            assertEquals("desiredTrainers", md.path("valueLocation").asText());
            assertEquals("1", md.path("targetValue").asText(), "one pod per desired trainer");
        }
        String msg = broken(
                "prod", all -> scalingTrigger(all).put("url", "http://viz-service.nanochat-sae.svc:8084/scaling"));
        assertTrue(
                msg.contains(
                        "ScaledObject/trainer-service: metrics-api trigger url http://viz-service.nanochat-sae.svc:8084/scaling: "
                                + "Service viz-service does not select the pods of Deployment/trainer-service"),
                msg);
        msg = broken("prod", all -> scalingTrigger(all).put("url", "http://trainer-svc:8082/scaling"));
        assertTrue(
                msg.contains(
                        "metrics-api trigger url http://trainer-svc:8082/scaling: Service trainer-svc does not exist in the overlay"),
                msg);
        msg = broken("prod", all -> scalingTrigger(all).put("url", "http://trainer-service.other.svc:8082/scaling"));
        assertTrue(msg.contains("names namespace other, not nanochat-sae"), msg);
        msg = broken(
                "prod", all -> scalingTrigger(all).put("url", "http://trainer-service.nanochat-sae.svc:9000/scaling"));
        assertTrue(msg.contains("Service trainer-service has no port 9000"), msg);
        msg = broken(
                "prod", all -> scalingTrigger(all).put("url", "http://trainer-service.nanochat-sae.svc:8082/api/runs"));
        assertTrue(msg.contains("trainer-service serves its scaling figures at /scaling"), msg);
        msg = broken("prod", all -> scalingTrigger(all).put("valueLocation", "lag"));
        assertTrue(
                msg.contains("metrics-api trigger valueLocation \"lag\" is no field of trainer-service's /scaling"),
                msg);
        msg = broken("prod", all -> scalingTrigger(all).put("targetValue", "one"));
        assertTrue(msg.contains("metrics-api trigger targetValue \"one\" is not a number"), msg);
        msg = broken("prod", all -> scalingTrigger(all).remove("targetValue"));
        assertTrue(msg.contains("metrics-api trigger has no metadata.targetValue"), msg);
        msg = broken(
                "prod",
                all -> all.removeIf(
                        m -> m.kind().equals("NetworkPolicy") && m.name().equals("trainer-scaling-keda")));
        assertTrue(
                msg.contains("no NetworkPolicy admits namespace keda to the pods of Deployment/trainer-service"), msg);
    }

    @Test
    void a_misspelt_field_is_an_unknown_field() throws Exception {
        String msg = broken("prod", all -> container(all, "viz-service").putObject("resource"));
        assertTrue(
                msg.contains("Deployment/viz-service: unknown field \"resource\" at spec.template.spec.containers[0]"),
                msg);
        msg = broken(
                "prod",
                all -> ((ObjectNode) one(all, "Kafka", "sae-kafka").path("spec").path("kafka")).put("replicaz", 3));
        assertTrue(msg.contains("Kafka/sae-kafka: unknown field \"replicaz\" at spec.kafka"), msg);
        msg = broken(
                "prod",
                all -> ((ObjectNode) one(all, "ScaledObject", "trainer-service").path("spec")).put("maxReplicas", 3));
        assertTrue(
                msg.contains(
                        "ScaledObject/trainer-service: schema keda.sh/v1alpha1 ScaledObject: Unrecognized field \"maxReplicas\""),
                msg);
        msg = broken("prod", all -> ((ObjectNode) one(all, "Cluster", "sae-pg").path("spec")).put("instance", 3));
        assertTrue(
                msg.contains("Cluster/sae-pg: schema postgresql.cnpg.io/v1 Cluster: Unrecognized field \"instance\""),
                msg);
        // Known to Strimzi's model, but only in v1beta2: v1 removed it.
        msg = broken("prod", all -> ((ObjectNode) one(all, "Kafka", "sae-kafka").path("spec"))
                .putObject("zookeeper")
                .put("replicas", 3));
        assertTrue(
                msg.contains(
                        "Kafka/sae-kafka: field \"zookeeper\" at spec is not in kafka.strimzi.io/v1 (Strimzi has it only in v1beta2)"),
                msg);
        msg = broken("prod", all -> kafkaTrigger(all).put("lagTreshold", "5"));
        assertTrue(
                msg.contains(
                        "ScaledObject/trainer-service: kafka trigger metadata \"lagTreshold\" is no parameter of KEDA's Kafka scaler"),
                msg);
        msg = broken("prod", all -> kafkaTrigger(all).put("lagThreshold", 5));
        assertTrue(
                msg.contains("ScaledObject/trainer-service: schema keda.sh/v1alpha1 ScaledObject:")
                        && msg.contains("lagThreshold"),
                msg);
        msg = broken("prod", all -> scalingTrigger(all).put("valueLocaton", "desiredTrainers"));
        assertTrue(
                msg.contains(
                        "ScaledObject/trainer-service: metrics-api trigger metadata \"valueLocaton\" is no parameter of KEDA's metrics-api scaler"),
                msg);
        msg = broken(
                "prod", all -> ((ObjectNode) one(all, "KafkaTopic", "sae.runs").path("spec")).put("partitions", "32"));
        assertTrue(msg.contains("KafkaTopic/sae.runs: schema") && msg.contains("at spec.partitions"), msg);
    }

    @Test
    void a_selector_matching_no_pod_fails() throws Exception {
        String msg = broken("prod", all -> ((ObjectNode)
                        one(all, "Service", "trainer-service").path("spec").path("selector"))
                .put("app.kubernetes.io/name", "trainer"));
        assertTrue(
                msg.contains(
                        "Service/trainer-service: selector {\"app.kubernetes.io/name\":\"trainer\"} matches no pod"),
                msg);
        msg = broken("prod", all -> ((ObjectNode) one(all, "PodDisruptionBudget", "viz-service")
                        .path("spec")
                        .path("selector")
                        .path("matchLabels"))
                .put("app.kubernetes.io/name", "vis-service"));
        assertTrue(
                msg.contains("PodDisruptionBudget/viz-service: selector")
                        && msg.contains("Deployment/viz-service: no PodDisruptionBudget"),
                msg);
    }

    @Test
    void an_hpa_beside_keda_and_too_many_replicas_fail_through_kustomize() throws Exception {
        List<Violation> v =
                ManifestValidator.validateOverlay(Path.of("src", "test", "resources", "broken-overlay"), README);
        String msg = v.stream().map(Violation::toString).collect(Collectors.joining("\n"));
        assertTrue(
                msg.contains(
                        "HorizontalPodAutoscaler/trainer-service: targets Deployment/trainer-service, which KEDA ScaledObject trainer-service already scales"),
                msg);
        assertTrue(
                msg.contains("ScaledObject/trainer-service: maxReplicaCount 40 exceeds the 32 partitions of sae.runs"),
                msg);
        assertTrue(msg.contains("Deployment/viz-service: unknown field \"resource\""), msg);
        assertEquals(3, v.size(), msg);
    }

    @Test
    void references_must_resolve_or_be_declared_external() throws Exception {
        String msg = broken("prod", all -> ((ObjectNode) one(all, "Deployment", "neuronpedia-service")
                        .path("metadata")
                        .path("annotations"))
                .put(PlatformChecks.EXTERNAL, "Secret/sae-api-tokens"));
        assertTrue(
                msg.contains(
                        "Deployment/neuronpedia-service: env NEURONPEDIA_API_KEY references Secret/neuronpedia-api-key,"
                                + " which is not in the overlay, not generated by an operator and not declared"),
                msg);
        msg = broken(
                "prod",
                all -> all.removeIf(m ->
                        m.kind().equals("PersistentVolumeClaim") && m.name().equals("sae-checkpoints")));
        assertTrue(
                msg.contains(
                        "Deployment/trainer-service: volume sae-checkpoints references PersistentVolumeClaim/sae-checkpoints"),
                msg);
        msg = broken(
                "prod",
                all -> ((ObjectNode) one(all, "Deployment", "trainer-service").path("spec")).put("replicas", 2));
        assertTrue(
                msg.contains(
                        "Deployment/trainer-service: sets spec.replicas although KEDA ScaledObject trainer-service scales it"),
                msg);
        msg = broken(
                "prod",
                all -> ((ObjectNode) one(all, "Deployment", "evaluator-service").path("spec")).put("replicas", 2));
        assertTrue(
                msg.contains(
                        "Deployment/evaluator-service: replicas 2 exceed the 1 partition(s) of sae.checkpoints it consumes in one group"),
                msg);
        msg = broken("prod", all -> ((ObjectNode)
                        one(all, "ScaledObject", "trainer-service").path("spec").path("scaleTargetRef"))
                .put("name", "trainer"));
        assertTrue(msg.contains("ScaledObject/trainer-service: scaleTargetRef Deployment/trainer does not exist"), msg);
    }

    @Test
    void clients_use_the_operators_services_and_only_clients_reach_them() throws Exception {
        String msg = broken("prod", all -> ((ObjectNode)
                        one(all, "ConfigMap", "sae-kafka-client").path("data"))
                .put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertTrue(
                msg.contains(
                        "Deployment/trainer-service: KAFKA_BOOTSTRAP_SERVERS: bootstrap kafka:9092 is not <kafka>-kafka-bootstrap"),
                msg);
        msg = broken("prod", all -> ((ObjectNode)
                        one(all, "ConfigMap", "sae-postgres-client").path("data"))
                .put("SAE_DB_URL", "jdbc:postgresql://sae-pg-r:5432/sae"));
        assertTrue(msg.contains("SAE_DB_URL host sae-pg-r is not <cluster>-rw"), msg);
        msg = broken("prod", all -> ((ObjectNode) one(all, "Deployment", "viz-service")
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels"))
                .put("sae.nanochat.dev/postgres-client", "true"));
        assertTrue(
                msg.contains(
                        "Deployment/viz-service: does not use PostgreSQL sae-pg but a NetworkPolicy admits its pods there"),
                msg);
        msg = broken("prod", all -> ((ObjectNode) one(all, "Deployment", "evaluator-service")
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels"))
                .remove("sae.nanochat.dev/kafka-client"));
        assertTrue(
                msg.contains(
                        "Deployment/evaluator-service: needs Kafka sae-kafka but no NetworkPolicy admits its pods there"),
                msg);
    }

    @Test
    void workload_hygiene_and_gpus() throws Exception {
        String msg = broken("prod", all -> ((ObjectNode)
                        container(all, "collector-service").path("resources").path("limits"))
                .remove("cpu"));
        assertTrue(
                msg.contains("Deployment/collector-service: container collector-service has no resources.limits.cpu"),
                msg);
        msg = broken("prod", all -> container(all, "viz-service").remove("livenessProbe"));
        assertTrue(msg.contains("Deployment/viz-service: container viz-service has no livenessProbe"), msg);
        msg = broken("gpu", all -> ((ObjectNode)
                        container(all, "viz-service").path("resources").path("limits"))
                .put("nvidia.com/gpu", 1));
        assertTrue(msg.contains("Deployment/viz-service: asks for nvidia.com/gpu: only trainers run on GPUs"), msg);
        msg = broken("gpu", all -> ((ObjectNode) one(all, "Deployment", "trainer-service")
                        .path("spec")
                        .path("template")
                        .path("spec"))
                .remove("tolerations"));
        assertTrue(
                msg.contains(
                        "Deployment/trainer-service: asks for a GPU but does not tolerate the nvidia.com/gpu taint"),
                msg);
        msg = broken("prod", all -> ((ObjectNode) one(all, "Deployment", "trainer-service")
                        .path("spec")
                        .path("template")
                        .path("spec"))
                .put("terminationGracePeriodSeconds", 30));
        assertTrue(msg.contains("terminationGracePeriodSeconds 30 < 120"), msg);
        msg = broken("prod", all -> ((ObjectNode)
                        one(all, "Deployment", "viz-service").path("metadata"))
                .put("namespace", "default"));
        assertTrue(
                msg.contains(
                        "Deployment/viz-service: namespace is \"default\"; every namespaced object belongs in the platform's namespace \"nanochat-sae\""),
                msg);
    }
}
