package dev.nanochat.sae.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a schema cannot express, over all objects of one rendered overlay: selectors select pods,
 * references resolve (to an object of the overlay, one an operator generates, or one the workload
 * declares external), KEDA targets exist with no HPA beside them and never more replicas than the
 * partitions they scale on, clients reach Kafka and PostgreSQL through the operators' services,
 * NetworkPolicies admit exactly the pods that need Kafka/PostgreSQL, every workload is bounded,
 * probed, non-root and covered by a PDB, and GPUs go to trainers only.
 *
 * <p>Design: plain JSON trees (the objects already passed {@link StrictSchemas}), one method per rule
 * family, each violation naming its object and what to change.
 */
public final class PlatformChecks {
    /** Annotation on a workload naming objects created out of band: {@code Secret/a,Secret/b}. */
    public static final String EXTERNAL = "k8s-validate/external";
    /** Annotation on a workload naming the Kafka topics it reads in one consumer group. */
    public static final String CONSUMES = "k8s-validate/consumes";

    public static final String GPU = "nvidia.com/gpu";
    static final String TRAINER = "trainer-service";
    /** Below this a trainer cannot be sure to checkpoint every run it owns on SIGTERM. */
    static final int MIN_TRAINER_GRACE_SECONDS = 120;

    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "PersistentVolume",
            "StorageClass",
            "CustomResourceDefinition",
            "IngressClass",
            "PriorityClass");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "Job");
    /** Parameters of KEDA's Kafka scaler (keda.sh/docs/2.20/scalers/apache-kafka); {@code xFromEnv} variants too. */
    static final Set<String> KAFKA_SCALER_KEYS = Set.of(
            "bootstrapServers",
            "consumerGroup",
            "topic",
            "lagThreshold",
            "activationLagThreshold",
            "offsetResetPolicy",
            "allowIdleConsumers",
            "excludePersistentLag",
            "scaleToZeroOnInvalidOffset",
            "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions",
            "partitionLimitation",
            "version",
            "sasl",
            "tls",
            "unsafeSsl",
            "saslTokenProvider",
            "awsRegion");
    /** Parameters of KEDA's metrics-api scaler (keda.sh/docs/2.20/scalers/metrics-api). */
    static final Set<String> METRICS_API_KEYS = Set.of(
            "url",
            "format",
            "valueLocation",
            "targetValue",
            "activationTargetValue",
            "unsafeSsl",
            "authMode",
            "method",
            "keyParamName",
            "aggregateFromKubeServiceEndpoints",
            "aggregationType");
    /** Fields of trainer-service's GET /scaling (its ScalingDemand record) a trigger may scale on. */
    static final Set<String> TRAINER_SCALING_FIELDS =
            Set.of("totalLag", "unfinishedRuns", "runsBehind", "desiredTrainers");

    static final String NAMESPACE = "nanochat-sae";
    static final String KEDA_NAMESPACE = "keda";
    private static final Pattern SERVICE_URL = Pattern.compile(
            "http://([a-z0-9-]+)(?:\\.([a-z0-9-]+)(?:\\.svc(?:\\.cluster\\.local)?)?)?(?::(\\d+))?(/[^?#]*)?");
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

    private final List<Manifest> all;
    private final boolean gpuOverlay;
    private final String readme;
    private final List<Violation> out = new ArrayList<>();

    private PlatformChecks(List<Manifest> all, boolean gpuOverlay, String readme) {
        this.all = all;
        this.gpuOverlay = gpuOverlay;
        this.readme = readme;
    }

    /** @param readme text of deploy/k8s/README.md, where every external object must be documented (null: skip) */
    public static List<Violation> check(List<Manifest> all, boolean gpuOverlay, String readme) {
        PlatformChecks c = new PlatformChecks(all, gpuOverlay, readme);
        c.namespaces();
        c.noCommittedSecrets();
        c.workloads();
        c.selectors();
        c.references();
        c.clientEndpoints();
        c.strimzi();
        c.cnpg();
        c.scaling();
        c.consumerReplicas();
        c.networkPolicies();
        c.gpus();
        return c.out;
    }

    private void fail(Manifest m, String message) {
        out.add(new Violation(m.ref(), message));
    }

    private List<Manifest> kind(String kind) {
        return all.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    private Optional<Manifest> find(String kind, String name) {
        return all.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .findFirst();
    }

    private List<Manifest> workloadList() {
        return all.stream().filter(m -> WORKLOADS.contains(m.kind())).toList();
    }

    private static JsonNode podTemplate(Manifest w) {
        return w.kind().equals("Job")
                ? w.tree().path("spec").path("template")
                : w.tree().path("spec").path("template");
    }

    private static List<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> cs = new ArrayList<>();
        podSpec.path("initContainers").forEach(cs::add);
        podSpec.path("containers").forEach(cs::add);
        return cs;
    }

    private static Map<String, String> labels(JsonNode meta) {
        Map<String, String> l = new HashMap<>();
        meta.path("labels")
                .fields()
                .forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
        return l;
    }

    /** A LabelSelector (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist) or a plain map. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return false;
        }
        boolean structured = selector.has("matchLabels") || selector.has("matchExpressions");
        JsonNode match = structured ? selector.path("matchLabels") : selector;
        for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode x : selector.path("matchExpressions")) {
            String key = x.path("key").asText();
            Set<String> values = new HashSet<>();
            x.path("values").forEach(v -> values.add(v.asText()));
            boolean ok =
                    switch (x.path("operator").asText()) {
                        case "In" -> values.contains(labels.get(key));
                        case "NotIn" -> !values.contains(labels.get(key));
                        case "Exists" -> labels.containsKey(key);
                        case "DoesNotExist" -> !labels.containsKey(key);
                        default -> false;
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Pod label sets: the overlay's pod templates plus the pods the operators create for its CRs. */
    private List<Map<String, String>> podLabelSets() {
        List<Map<String, String>> sets = new ArrayList<>();
        for (Manifest w : workloadList()) {
            sets.add(labels(podTemplate(w).path("metadata")));
        }
        for (Manifest k : kind("Kafka")) {
            sets.add(Map.of("strimzi.io/cluster", k.name(), "strimzi.io/kind", "Kafka"));
        }
        for (Manifest c : kind("Cluster")) {
            sets.add(Map.of("cnpg.io/cluster", c.name()));
        }
        return sets;
    }

    private void namespaces() {
        List<Manifest> ns = kind("Namespace");
        if (ns.size() != 1) {
            out.add(new Violation("(overlay)", "expected exactly one Namespace (the platform's), found " + ns.size()));
            return;
        }
        String platform = ns.get(0).name();
        for (Manifest m : all) {
            if (!CLUSTER_SCOPED.contains(m.kind()) && !platform.equals(m.namespace())) {
                fail(
                        m,
                        "namespace is " + (m.namespace() == null ? "unset" : "\"" + m.namespace() + "\"")
                                + "; every namespaced object belongs in the platform's namespace \"" + platform + "\"");
            }
        }
    }

    private void noCommittedSecrets() {
        for (Manifest s : kind("Secret")) {
            fail(
                    s,
                    "Secrets are never committed: create it out of band and declare it with the annotation " + EXTERNAL
                            + " on the workload that uses it");
        }
    }

    private void workloads() {
        for (Manifest w : workloadList()) {
            JsonNode pod = podTemplate(w).path("spec");
            boolean podNonRoot =
                    pod.path("securityContext").path("runAsNonRoot").asBoolean(false);
            String sa = pod.path("serviceAccountName").asText("");
            if (sa.isEmpty() || find("ServiceAccount", sa).isEmpty()) {
                fail(
                        w,
                        sa.isEmpty()
                                ? "no serviceAccountName (every workload runs as its own ServiceAccount)"
                                : "serviceAccountName " + sa + " has no ServiceAccount in the overlay");
            }
            for (JsonNode c : containers(pod)) {
                String cn = "container " + c.path("name").asText();
                JsonNode res = c.path("resources");
                for (String part : List.of("requests", "limits")) {
                    for (String r : List.of("cpu", "memory")) {
                        if (!res.path(part).hasNonNull(r)) {
                            fail(w, cn + " has no resources." + part + "." + r);
                        }
                    }
                }
                if (!c.path("name").asText().isEmpty()
                        && !pod.path("initContainers")
                                .toString()
                                .contains("\"name\":\"" + c.path("name").asText() + "\"")) {
                    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                        if (!c.has(probe)) {
                            fail(w, cn + " has no " + probe);
                        }
                    }
                }
                JsonNode sc = c.path("securityContext");
                if (!podNonRoot && !sc.path("runAsNonRoot").asBoolean(false)) {
                    fail(w, cn + " may run as root: set securityContext.runAsNonRoot: true");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)
                        || sc.path("privileged").asBoolean(false)) {
                    fail(w, cn + " must set securityContext.allowPrivilegeEscalation: false (and not be privileged)");
                }
            }
            Map<String, String> podLabels = labels(podTemplate(w).path("metadata"));
            if (!w.kind().equals("Job")
                    && kind("PodDisruptionBudget").stream()
                            .noneMatch(p -> selects(p.tree().path("spec").path("selector"), podLabels))) {
                fail(w, "no PodDisruptionBudget selects its pods");
            }
        }
    }

    private void selectors() {
        List<Map<String, String>> pods = podLabelSets();
        for (Manifest w : workloadList()) {
            if (!w.kind().equals("Job")
                    && !selects(
                            w.tree().path("spec").path("selector"),
                            labels(podTemplate(w).path("metadata")))) {
                fail(w, "spec.selector does not match its own pod template's labels");
            }
        }
        for (Manifest s : kind("Service")) {
            JsonNode sel = s.tree().path("spec").path("selector");
            List<Manifest> backends = workloadList().stream()
                    .filter(w -> selects(sel, labels(podTemplate(w).path("metadata"))))
                    .toList();
            if (backends.isEmpty()) {
                fail(s, "selector " + sel + " matches no pod of the overlay");
                continue;
            }
            for (JsonNode port : s.tree().path("spec").path("ports")) {
                JsonNode target = port.path("targetPort");
                if (target.isTextual()
                        && backends.stream()
                                .noneMatch(w -> containers(podTemplate(w).path("spec")).stream()
                                        .anyMatch(c -> c.path("ports")
                                                .toString()
                                                .contains("\"name\":\"" + target.asText() + "\"")))) {
                    fail(s, "targetPort \"" + target.asText() + "\" is no named container port of the selected pods");
                }
            }
        }
        for (Manifest p : kind("PodDisruptionBudget")) {
            JsonNode sel = p.tree().path("spec").path("selector");
            if (pods.stream().noneMatch(l -> selects(sel, l))) {
                fail(p, "selector " + sel + " matches no pod");
            }
        }
        for (Manifest np : kind("NetworkPolicy")) {
            JsonNode sel = np.tree().path("spec").path("podSelector");
            boolean everything = sel.isObject() && sel.size() == 0;
            if (!everything && pods.stream().noneMatch(l -> selects(sel, l))) {
                fail(np, "podSelector " + sel + " matches no pod (of the overlay or of its Kafka/PostgreSQL clusters)");
            }
        }
        for (Manifest ing : kind("Ingress")) {
            for (JsonNode rule : ing.tree().path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode svc = path.path("backend").path("service");
                    Optional<Manifest> target = find("Service", svc.path("name").asText());
                    if (target.isEmpty()) {
                        fail(ing, "backend service " + svc.path("name").asText() + " does not exist");
                    } else if (svc.path("port").has("name")
                            && !target.get()
                                    .tree()
                                    .path("spec")
                                    .path("ports")
                                    .toString()
                                    .contains("\"name\":\""
                                            + svc.path("port").path("name").asText() + "\"")) {
                        fail(
                                ing,
                                "backend port " + svc.path("port").path("name").asText() + " is not a port of "
                                        + target.get().name());
                    }
                }
            }
        }
    }

    /** Objects the operators generate for our CRs (CloudNativePG: {@code <cluster>-app}, Strimzi: CA secrets). */
    private Set<String> operatorProvided() {
        Set<String> s = new HashSet<>();
        for (Manifest c : kind("Cluster")) {
            s.add("Secret/" + c.name() + "-app");
            s.add("Secret/" + c.name() + "-superuser");
            s.add("Secret/" + c.name() + "-ca");
        }
        for (Manifest k : kind("Kafka")) {
            s.add("Secret/" + k.name() + "-cluster-ca-cert");
            s.add("Secret/" + k.name() + "-clients-ca-cert");
        }
        return s;
    }

    private static Set<String> externals(Manifest w) {
        Set<String> s = new LinkedHashSet<>();
        String a = w.tree().path("metadata").path("annotations").path(EXTERNAL).asText("");
        for (String part : a.split(",")) {
            if (!part.isBlank()) {
                s.add(part.trim());
            }
        }
        return s;
    }

    private void references() {
        Set<String> provided = operatorProvided();
        for (Manifest w : workloadList()) {
            Set<String> external = externals(w);
            for (String e : external) {
                if (!e.matches("[A-Z][A-Za-z]+/[a-z0-9][a-z0-9.-]*")) {
                    fail(w, EXTERNAL + " entry \"" + e + "\" is not Kind/name");
                } else if (readme != null && !readme.contains(e.substring(e.indexOf('/') + 1))) {
                    fail(w, "external " + e + " is not documented in deploy/k8s/README.md");
                }
            }
            JsonNode pod = podTemplate(w).path("spec");
            Map<String, String> refs = new HashMap<>(); // Kind/name -> where
            for (JsonNode c : containers(pod)) {
                for (JsonNode ef : c.path("envFrom")) {
                    if (ef.has("configMapRef")) {
                        refs.put(
                                "ConfigMap/"
                                        + ef.path("configMapRef").path("name").asText(),
                                "envFrom");
                    }
                    if (ef.has("secretRef")) {
                        refs.put("Secret/" + ef.path("secretRef").path("name").asText(), "envFrom");
                    }
                }
                for (JsonNode env : c.path("env")) {
                    JsonNode vf = env.path("valueFrom");
                    if (vf.has("configMapKeyRef")) {
                        String name = vf.path("configMapKeyRef").path("name").asText();
                        refs.put("ConfigMap/" + name, "env " + env.path("name").asText());
                        String key = vf.path("configMapKeyRef").path("key").asText();
                        find("ConfigMap", name)
                                .filter(cm -> !cm.tree().path("data").has(key))
                                .ifPresent(cm -> fail(
                                        w,
                                        "env " + env.path("name").asText() + " reads key " + key + " that ConfigMap "
                                                + name + " does not have"));
                    }
                    if (vf.has("secretKeyRef")) {
                        refs.put(
                                "Secret/" + vf.path("secretKeyRef").path("name").asText(),
                                "env " + env.path("name").asText());
                    }
                }
            }
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("configMap")) {
                    refs.put(
                            "ConfigMap/" + v.path("configMap").path("name").asText(),
                            "volume " + v.path("name").asText());
                }
                if (v.has("secret")) {
                    refs.put(
                            "Secret/" + v.path("secret").path("secretName").asText(),
                            "volume " + v.path("name").asText());
                }
                if (v.has("persistentVolumeClaim")) {
                    refs.put(
                            "PersistentVolumeClaim/"
                                    + v.path("persistentVolumeClaim")
                                            .path("claimName")
                                            .asText(),
                            "volume " + v.path("name").asText());
                }
            }
            refs.forEach((ref, where) -> {
                String k = ref.substring(0, ref.indexOf('/'));
                String n = ref.substring(ref.indexOf('/') + 1);
                if (find(k, n).isEmpty() && !provided.contains(ref) && !external.contains(ref)) {
                    fail(
                            w,
                            where + " references " + ref + ", which is not in the overlay, not generated by an operator"
                                    + " and not declared in the " + EXTERNAL + " annotation");
                }
            });
        }
    }

    /** Every env value a container gets: literal env values and the data of the ConfigMaps it reads whole. */
    private Map<String, String> envOf(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode ef : container.path("envFrom")) {
            if (ef.has("configMapRef")) {
                find("ConfigMap", ef.path("configMapRef").path("name").asText()).ifPresent(cm -> cm.tree()
                        .path("data")
                        .fields()
                        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
            }
        }
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            } else if (e.path("valueFrom").has("secretKeyRef")) {
                env.put(
                        e.path("name").asText(),
                        "secret:"
                                + e.path("valueFrom")
                                        .path("secretKeyRef")
                                        .path("name")
                                        .asText());
            }
        }
        return env;
    }

    private boolean needsKafka(Manifest w) {
        return containers(podTemplate(w).path("spec")).stream()
                .anyMatch(c -> envOf(c).containsKey("KAFKA_BOOTSTRAP_SERVERS"));
    }

    private boolean needsPostgres(Manifest w) {
        return containers(podTemplate(w).path("spec")).stream().anyMatch(c -> envOf(c).containsKey("SAE_DB_URL"));
    }

    /** {@code host:port} must be {@code <kafka>-kafka-bootstrap[.ns.svc...]} on a listener port of that Kafka. */
    private Optional<String> badBootstrap(String servers) {
        for (String hp : servers.split(",")) {
            String host = hp.contains(":") ? hp.substring(0, hp.lastIndexOf(':')) : hp;
            String port = hp.contains(":") ? hp.substring(hp.lastIndexOf(':') + 1) : "";
            String svc = host.split("\\.")[0];
            Optional<Manifest> kafka = kind("Kafka").stream()
                    .filter(k -> svc.equals(k.name() + "-kafka-bootstrap"))
                    .findFirst();
            if (kafka.isEmpty()) {
                return Optional.of(
                        "bootstrap " + hp + " is not <kafka>-kafka-bootstrap of a Strimzi Kafka in the overlay");
            }
            boolean listener = false;
            for (JsonNode l : kafka.get().tree().path("spec").path("kafka").path("listeners")) {
                listener |= l.path("port").asText().equals(port);
            }
            if (!listener) {
                return Optional.of("bootstrap " + hp + ": port " + port + " is no listener port of Kafka "
                        + kafka.get().name());
            }
        }
        return Optional.empty();
    }

    private void clientEndpoints() {
        for (Manifest w : workloadList()) {
            for (JsonNode c : containers(podTemplate(w).path("spec"))) {
                Map<String, String> env = envOf(c);
                String servers = env.get("KAFKA_BOOTSTRAP_SERVERS");
                if (servers != null) {
                    badBootstrap(servers).ifPresent(msg -> fail(w, "KAFKA_BOOTSTRAP_SERVERS: " + msg));
                }
                String url = env.get("SAE_DB_URL");
                if (url != null) {
                    Matcher jm = JDBC.matcher(url);
                    if (!jm.matches()) {
                        fail(w, "SAE_DB_URL " + url + " is not a jdbc:postgresql:// URL");
                        continue;
                    }
                    String svc = jm.group(1).split("\\.")[0];
                    Optional<Manifest> pg = kind("Cluster").stream()
                            .filter(k -> svc.equals(k.name() + "-rw"))
                            .findFirst();
                    if (pg.isEmpty()) {
                        fail(w, "SAE_DB_URL host " + jm.group(1) + " is not <cluster>-rw of a CloudNativePG Cluster");
                        continue;
                    }
                    String db = pg.get()
                            .tree()
                            .path("spec")
                            .path("bootstrap")
                            .path("initdb")
                            .path("database")
                            .asText("app");
                    if (!db.equals(jm.group(3))) {
                        fail(
                                w,
                                "SAE_DB_URL database " + jm.group(3) + " is not the Cluster's bootstrap database "
                                        + db);
                    }
                    String secret = "secret:" + pg.get().name() + "-app";
                    if (!secret.equals(env.get("SAE_DB_USER")) || !secret.equals(env.get("SAE_DB_PASSWORD"))) {
                        fail(
                                w,
                                "SAE_DB_USER and SAE_DB_PASSWORD must come from the generated Secret "
                                        + pg.get().name() + "-app");
                    }
                }
            }
        }
    }

    private static Map<String, String> config(JsonNode n) {
        Map<String, String> m = new HashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private void strimzi() {
        for (Manifest k : kind("Kafka")) {
            List<Manifest> pools = kind("KafkaNodePool").stream()
                    .filter(p ->
                            k.name().equals(labels(p.tree().path("metadata")).get("strimzi.io/cluster")))
                    .toList();
            int brokers = 0;
            int controllers = 0;
            for (Manifest p : pools) {
                String roles = p.tree().path("spec").path("roles").toString();
                int replicas = p.tree().path("spec").path("replicas").asInt();
                brokers += roles.contains("broker") ? replicas : 0;
                controllers += roles.contains("controller") ? replicas : 0;
            }
            if (brokers == 0 || controllers == 0) {
                fail(
                        k,
                        "needs KafkaNodePools with the broker and controller roles, has " + brokers + " brokers and "
                                + controllers + " controllers");
                continue;
            }
            if (controllers % 2 == 0) {
                fail(k, controllers + " KRaft controllers: use an odd number for a quorum");
            }
            Map<String, String> cfg = config(k.tree().path("spec").path("kafka").path("config"));
            int defaultRf = Integer.parseInt(cfg.getOrDefault("default.replication.factor", "1"));
            int minIsr = Integer.parseInt(cfg.getOrDefault("min.insync.replicas", "1"));
            if (defaultRf > brokers
                    || Integer.parseInt(cfg.getOrDefault("offsets.topic.replication.factor", "3")) > brokers) {
                fail(k, "replication factors exceed the " + brokers + " broker(s)");
            }
            if (defaultRf > 1 && minIsr >= defaultRf) {
                fail(
                        k,
                        "min.insync.replicas " + minIsr + " must be below default.replication.factor " + defaultRf
                                + " (else one broker down stops producers)");
            }
            for (Manifest t : kind("KafkaTopic")) {
                if (!k.name().equals(labels(t.tree().path("metadata")).get("strimzi.io/cluster"))) {
                    continue;
                }
                int rf = t.tree().path("spec").path("replicas").asInt(defaultRf);
                int isr = Integer.parseInt(config(t.tree().path("spec").path("config"))
                        .getOrDefault("min.insync.replicas", Integer.toString(minIsr)));
                if (rf > brokers) {
                    fail(t, "replicas " + rf + " exceed the " + brokers + " broker(s) of " + k.name());
                }
                if (rf > 1 && isr >= rf) {
                    fail(t, "min.insync.replicas " + isr + " must be below replicas " + rf);
                }
            }
        }
        for (String kindName : List.of("KafkaTopic", "KafkaNodePool")) {
            for (Manifest t : kind(kindName)) {
                String cluster = labels(t.tree().path("metadata")).get("strimzi.io/cluster");
                if (cluster == null || find("Kafka", cluster).isEmpty()) {
                    fail(t, "label strimzi.io/cluster=" + cluster + " names no Kafka of the overlay");
                }
            }
        }
        for (Manifest p : kind("KafkaNodePool")) {
            requireResources(p, p.tree().path("spec").path("resources"));
        }
    }

    private void requireResources(Manifest m, JsonNode res) {
        for (String part : List.of("requests", "limits")) {
            for (String r : List.of("cpu", "memory")) {
                if (!res.path(part).hasNonNull(r)) {
                    fail(m, "spec.resources." + part + "." + r + " is not set");
                }
            }
        }
    }

    private void cnpg() {
        for (Manifest c : kind("Cluster")) {
            requireResources(c, c.tree().path("spec").path("resources"));
            if (c.tree().path("spec").path("instances").asInt(1) < 1) {
                fail(c, "spec.instances must be at least 1");
            }
        }
    }

    /** Partitions of a topic: its KafkaTopic, or for activation topics the collector's SAE_ACTIVATION_PARTITIONS. */
    private Optional<Integer> partitions(String topic) {
        Optional<Manifest> t = kind("KafkaTopic").stream()
                .filter(m ->
                        topic.equals(m.tree().path("spec").path("topicName").asText(m.name())))
                .findFirst();
        if (t.isPresent()) {
            return Optional.of(t.get().tree().path("spec").path("partitions").asInt());
        }
        if (topic.startsWith("sae.activations.")) {
            for (Manifest cm : kind("ConfigMap")) {
                JsonNode p = cm.tree().path("data").path("SAE_ACTIVATION_PARTITIONS");
                if (p.isTextual()) {
                    return Optional.of(Integer.parseInt(p.asText()));
                }
            }
        }
        return Optional.empty();
    }

    private void scaling() {
        for (Manifest so : kind("ScaledObject")) {
            JsonNode spec = so.tree().path("spec");
            String targetKind = spec.path("scaleTargetRef").path("kind").asText("Deployment");
            String targetName = spec.path("scaleTargetRef").path("name").asText();
            Optional<Manifest> target = find(targetKind, targetName);
            if (target.isEmpty()) {
                fail(so, "scaleTargetRef " + targetKind + "/" + targetName + " does not exist in the overlay");
            }
            for (Manifest hpa : kind("HorizontalPodAutoscaler")) {
                JsonNode ref = hpa.tree().path("spec").path("scaleTargetRef");
                if (ref.path("name").asText().equals(targetName)
                        && ref.path("kind").asText().equals(targetKind)) {
                    fail(
                            hpa,
                            "targets " + targetKind + "/" + targetName + ", which KEDA ScaledObject " + so.name()
                                    + " already scales (KEDA creates its own HPA; two autoscalers fight)");
                }
            }
            int max = spec.path("maxReplicaCount").asInt(100);
            int min = spec.path("minReplicaCount").asInt(0);
            if (min > max) {
                fail(so, "minReplicaCount " + min + " > maxReplicaCount " + max);
            }
            if (spec.path("triggers").isEmpty()) {
                fail(so, "has no triggers");
            }
            Set<String> triggerTopics = new HashSet<>();
            for (JsonNode trig : spec.path("triggers")) {
                triggerTopics.add(trig.path("metadata").path("topic").asText());
                if (trig.path("type").asText().equals("metrics-api")) {
                    target.ifPresent(t -> metricsApi(so, t, trig.path("metadata")));
                    continue;
                }
                if (!trig.path("type").asText().equals("kafka")) {
                    continue;
                }
                JsonNode md = trig.path("metadata");
                md.fieldNames().forEachRemaining(key -> {
                    if (!KAFKA_SCALER_KEYS.contains(key.replaceFirst("FromEnv$", ""))) {
                        fail(so, "kafka trigger metadata \"" + key + "\" is no parameter of KEDA's Kafka scaler");
                    }
                });
                for (String req : List.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold")) {
                    if (!md.hasNonNull(req)) {
                        fail(so, "kafka trigger has no metadata." + req);
                    }
                }
                badBootstrap(md.path("bootstrapServers").asText()).ifPresent(msg -> fail(so, "kafka trigger: " + msg));
                String topic = md.path("topic").asText();
                Optional<Integer> parts = partitions(topic);
                if (parts.isEmpty()) {
                    fail(
                            so,
                            "kafka trigger topic " + topic
                                    + " is neither a KafkaTopic of the overlay nor an activation topic");
                } else if (max > parts.get()) {
                    fail(
                            so,
                            "maxReplicaCount " + max + " exceeds the " + parts.get() + " partitions of " + topic
                                    + " (consumers beyond the partitions get nothing to do)");
                }
            }
            target.ifPresent(t -> consumedTopics(t).stream()
                    .filter(topic -> !triggerTopics.contains(topic))
                    .forEach(topic -> partitions(topic)
                            .filter(n -> max > n)
                            .ifPresent(n -> fail(
                                    so,
                                    "maxReplicaCount " + max + " exceeds the " + n + " partitions of " + topic
                                            + ", which " + t.ref() + " consumes in one group"))));
            target.filter(t -> t.tree().path("spec").has("replicas"))
                    .ifPresent(t -> fail(
                            t,
                            "sets spec.replicas although " + "KEDA ScaledObject " + so.name()
                                    + " scales it (every apply would reset the count KEDA chose)"));
            target.filter(t -> t.name().equals(TRAINER)).ifPresent(t -> {
                int grace = podTemplate(t)
                        .path("spec")
                        .path("terminationGracePeriodSeconds")
                        .asInt(30);
                if (grace < MIN_TRAINER_GRACE_SECONDS) {
                    fail(
                            t,
                            "terminationGracePeriodSeconds " + grace + " < " + MIN_TRAINER_GRACE_SECONDS
                                    + ": a scaled-down trainer must have time to checkpoint its runs");
                }
            });
        }
    }

    /**
     * A metrics-api trigger must poll, inside the cluster, a Service of the overlay that selects the
     * scaled workload's own pods, on one of its ports, through a NetworkPolicy that admits KEDA; on the
     * trainer it must read /scaling and a field that endpoint serves.
     */
    private void metricsApi(Manifest so, Manifest target, JsonNode md) {
        md.fieldNames().forEachRemaining(key -> {
            if (!METRICS_API_KEYS.contains(key)) {
                fail(so, "metrics-api trigger metadata \"" + key + "\" is no parameter of KEDA's metrics-api scaler");
            }
        });
        for (String req : List.of("url", "valueLocation", "targetValue")) {
            if (!md.hasNonNull(req)) {
                fail(so, "metrics-api trigger has no metadata." + req);
            }
        }
        for (String num : List.of("targetValue", "activationTargetValue")) {
            if (md.hasNonNull(num)) {
                try {
                    if (!(Double.parseDouble(md.path(num).asText()) > 0) && num.equals("targetValue")) {
                        fail(so, "metrics-api trigger targetValue must be > 0");
                    }
                } catch (NumberFormatException e) {
                    fail(so, "metrics-api trigger " + num + " \"" + md.path(num).asText() + "\" is not a number");
                }
            }
        }
        String url = md.path("url").asText();
        java.util.regex.Matcher m = SERVICE_URL.matcher(url);
        if (!m.matches()) {
            fail(so, "metrics-api trigger url " + url + " is not http://<service>[.<namespace>.svc][:port]/path");
            return;
        }
        if (m.group(2) != null && !m.group(2).equals(NAMESPACE)) {
            fail(so, "metrics-api trigger url " + url + " names namespace " + m.group(2) + ", not " + NAMESPACE);
        }
        Optional<Manifest> svc = find("Service", m.group(1));
        if (svc.isEmpty()) {
            fail(so, "metrics-api trigger url " + url + ": Service " + m.group(1) + " does not exist in the overlay");
            return;
        }
        Map<String, String> pods = labels(podTemplate(target).path("metadata"));
        if (!selects(svc.get().tree().path("spec").path("selector"), pods)) {
            fail(
                    so,
                    "metrics-api trigger url " + url + ": Service " + m.group(1) + " does not select the pods of "
                            + target.ref() + " (the scaler must read the scaled workload's own figures)");
        }
        int port = m.group(3) == null ? 80 : Integer.parseInt(m.group(3));
        boolean hasPort = false;
        for (JsonNode p : svc.get().tree().path("spec").path("ports")) {
            hasPort |= p.path("port").asInt() == port;
        }
        if (!hasPort) {
            fail(so, "metrics-api trigger url " + url + ": Service " + m.group(1) + " has no port " + port);
        }
        boolean admitted = kind("NetworkPolicy").stream()
                .anyMatch(np -> selects(np.tree().path("spec").path("podSelector"), pods)
                        && np.tree()
                                .path("spec")
                                .path("ingress")
                                .toString()
                                .contains("\"matchLabels\":{\"kubernetes.io/metadata.name\":\"" + KEDA_NAMESPACE
                                        + "\"}"));
        if (!admitted) {
            fail(
                    so,
                    "metrics-api trigger url " + url + ": no NetworkPolicy admits namespace " + KEDA_NAMESPACE
                            + " to the pods of " + target.ref());
        }
        if (target.name().equals(TRAINER)) {
            if (!"/scaling".equals(m.group(4))) {
                fail(so, "metrics-api trigger url " + url + ": trainer-service serves its scaling figures at /scaling");
            }
            if (!TRAINER_SCALING_FIELDS.contains(md.path("valueLocation").asText())) {
                fail(
                        so,
                        "metrics-api trigger valueLocation \""
                                + md.path("valueLocation").asText() + "\" is no field of trainer-service's /scaling "
                                + new java.util.TreeSet<>(TRAINER_SCALING_FIELDS));
            }
        }
    }

    private static List<String> consumedTopics(Manifest w) {
        String a = w.tree().path("metadata").path("annotations").path(CONSUMES).asText("");
        return java.util.Arrays.stream(a.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    /** Fixed replica counts of group consumers never exceed the partitions of what they consume. */
    private void consumerReplicas() {
        for (Manifest w : workloadList()) {
            int replicas = w.tree().path("spec").path("replicas").asInt(1);
            for (String topic : consumedTopics(w)) {
                Optional<Integer> n = partitions(topic);
                if (n.isEmpty()) {
                    fail(w, CONSUMES + " names " + topic + ", which is neither a KafkaTopic nor an activation topic");
                } else if (replicas > n.get()) {
                    fail(
                            w,
                            "replicas " + replicas + " exceed the " + n.get() + " partition(s) of " + topic
                                    + " it consumes in one group (the extra pods would get no partition)");
                }
            }
        }
    }

    /** Pods (by labels) admitted by policies selecting the given operator pods; null when a peer admits everything. */
    private void networkPolicies() {
        List<Manifest> pols = kind("NetworkPolicy");
        boolean defaultDeny = pols.stream()
                .anyMatch(p -> p.tree().path("spec").path("podSelector").size() == 0
                        && p.tree().path("spec").path("policyTypes").toString().contains("Ingress")
                        && p.tree().path("spec").path("ingress").isEmpty());
        if (!defaultDeny) {
            out.add(new Violation(
                    "(overlay)",
                    "no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)"));
        }
        for (Manifest k : kind("Kafka")) {
            admission(
                    pols,
                    Map.of("strimzi.io/cluster", k.name(), "strimzi.io/kind", "Kafka"),
                    "Kafka " + k.name(),
                    this::needsKafka);
        }
        for (Manifest c : kind("Cluster")) {
            admission(pols, Map.of("cnpg.io/cluster", c.name()), "PostgreSQL " + c.name(), this::needsPostgres);
        }
    }

    private void admission(
            List<Manifest> pols,
            Map<String, String> serverPod,
            String what,
            java.util.function.Predicate<Manifest> needs) {
        for (Manifest w : workloadList()) {
            Map<String, String> l = labels(podTemplate(w).path("metadata"));
            boolean admitted = false;
            for (Manifest p : pols) {
                if (!selects(p.tree().path("spec").path("podSelector"), serverPod)
                        && p.tree().path("spec").path("podSelector").size() != 0) {
                    continue;
                }
                for (JsonNode rule : p.tree().path("spec").path("ingress")) {
                    if (!rule.has("from")) {
                        admitted = true; // a rule without "from" admits every source
                    }
                    for (JsonNode peer : rule.path("from")) {
                        if (peer.has("podSelector")
                                && !peer.has("namespaceSelector")
                                && (peer.path("podSelector").size() == 0 || selects(peer.path("podSelector"), l))) {
                            admitted = true;
                        }
                    }
                }
            }
            boolean need = needs.test(w);
            if (need && !admitted) {
                fail(w, "needs " + what + " but no NetworkPolicy admits its pods there");
            } else if (!need && admitted) {
                fail(w, "does not use " + what + " but a NetworkPolicy admits its pods there");
            }
        }
    }

    private void gpus() {
        boolean trainerHasGpu = false;
        for (Manifest w : workloadList()) {
            JsonNode pod = podTemplate(w).path("spec");
            boolean wantsGpu = false;
            for (JsonNode c : containers(pod)) {
                JsonNode limit = c.path("resources").path("limits").path(GPU);
                JsonNode request = c.path("resources").path("requests").path(GPU);
                if (!limit.isMissingNode() || !request.isMissingNode()) {
                    wantsGpu = true;
                    if (limit.isMissingNode()
                            || (!request.isMissingNode() && !request.asText().equals(limit.asText()))) {
                        fail(
                                w,
                                "container " + c.path("name").asText() + ": " + GPU
                                        + " must be a limit (a request, if set, equal to it)");
                    }
                }
            }
            boolean tolerates = pod.path("tolerations").toString().contains("\"key\":\"" + GPU + "\"");
            if (wantsGpu) {
                if (!w.name().equals(TRAINER)) {
                    fail(w, "asks for " + GPU + ": only trainers run on GPUs");
                }
                trainerHasGpu |= w.name().equals(TRAINER);
                if (!tolerates) {
                    fail(w, "asks for a GPU but does not tolerate the " + GPU + " taint");
                }
                boolean nodeSel = pod.path("nodeSelector").toString().contains("\"" + GPU + ".")
                        || pod.path("affinity").path("nodeAffinity").toString().contains("\"key\":\"" + GPU + ".");
                if (!nodeSel) {
                    fail(w, "asks for a GPU but selects no node by GPU feature-discovery labels (" + GPU + ".*)");
                }
                for (JsonNode c : containers(pod)) {
                    if (!c.path("image").asText().contains("gpu")) {
                        fail(
                                w,
                                "container " + c.path("name").asText() + " on a GPU runs "
                                        + c.path("image").asText()
                                        + ", not the CUDA image (deploy/docker/Dockerfile.gpu)");
                    }
                }
            } else if (tolerates) {
                fail(w, "tolerates the " + GPU + " taint without asking for a GPU (GPU nodes are for trainers)");
            }
        }
        if (gpuOverlay && !trainerHasGpu) {
            out.add(new Violation("Deployment/" + TRAINER, "the GPU overlay's trainers ask for no " + GPU));
        }
    }
}
