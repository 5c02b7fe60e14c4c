package dev.nanochat.sae.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.nanochat.sae.k8s.cnpg.Cluster;
import dev.nanochat.sae.k8s.keda.ScaledObject;
import io.strimzi.crdgenerator.annotations.PresentInVersions;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Strict schema check of one object: it is bound to the typed model of its apiVersion/kind and every
 * field the model does not know is an error, as on an API server with strict field validation.
 *
 * <p>Design: the Kubernetes types are fabric8's kubernetes-model and Strimzi's are io.strimzi:api; both
 * keep unknown fields in an {@code additionalProperties} map instead of failing, so after binding the
 * object graph is walked and any non-empty such map is reported with its JSON path. KEDA and
 * CloudNativePG publish no Java model on Maven Central, so {@link ScaledObject} and {@link Cluster} are
 * typed subsets written from their API references, bound with FAIL_ON_UNKNOWN_PROPERTIES. Strimzi's
 * model serves several API versions: a set field whose {@code @PresentInVersions} excludes the object's
 * apiVersion (e.g. {@code spec.zookeeper} in v1) is an error too. Scalars are
 * not coerced (a number where a string belongs is an error, as the API server's schema says).
 */
public final class StrictSchemas {
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry(
                    "policy/v1/PodDisruptionBudget",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry(
                    "networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry(
                    "autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class),
            Map.entry("postgresql.cnpg.io/v1/Cluster", Cluster.class));

    private final ObjectMapper mapper = strictMapper();

    static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper();
        m.enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return m;
    }

    /** The typed model of an object, or null when no schema is known for its apiVersion/kind. */
    public static Class<?> typeOf(Manifest m) {
        return TYPES.get(m.apiVersion() + "/" + m.kind());
    }

    public List<Violation> check(Manifest m) {
        Class<?> type = typeOf(m);
        if (type == null) {
            return List.of(new Violation(
                    m.ref(),
                    "no schema for apiVersion " + m.apiVersion() + " kind " + m.kind()
                            + " (unknown API, or a kind this platform does not use)"));
        }
        Object bound;
        try {
            bound = mapper.treeToValue(m.tree(), type);
        } catch (JsonMappingException e) {
            return List.of(new Violation(
                    m.ref(),
                    "schema " + m.apiVersion() + " " + m.kind() + ": " + e.getOriginalMessage() + " at " + path(e)));
        } catch (Exception e) {
            return List.of(new Violation(m.ref(), "schema " + m.apiVersion() + " " + m.kind() + ": " + e.getMessage()));
        }
        List<Violation> out = new ArrayList<>();
        walk(bound, "", m, out, 0);
        return out;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            sb.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
        }
        return sb.length() == 0 ? "(root)" : sb.substring(sb.charAt(0) == '.' ? 1 : 0);
    }

    /** Reports every non-empty additionalProperties map of the bound graph (the model's unknown fields). */
    private void walk(Object o, String path, Manifest m, List<Violation> out, int depth) {
        if (o == null
                || depth > 64
                || o instanceof CharSequence
                || o instanceof Number
                || o instanceof Boolean
                || o instanceof Enum<?>
                || o.getClass().isPrimitive()) {
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, m, out, depth + 1));
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object e : list) {
                walk(e, path + "[" + i++ + "]", m, out, depth + 1);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8") || pkg.startsWith("io.strimzi") || pkg.startsWith("dev.nanochat"))) {
            return;
        }
        Object extra = invoke(o, "getAdditionalProperties");
        if (extra instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
            for (Object key : unknown.keySet()) {
                out.add(new Violation(
                        m.ref(),
                        "unknown field \"" + key + "\" at "
                                + (path.isEmpty() ? "(root)" : path.substring(1)) + " (not in the " + m.apiVersion()
                                + " "
                                + m.kind() + " schema)"));
            }
        }
        JavaType type = mapper.constructType(o.getClass());
        BeanDescription desc = mapper.getSerializationConfig().introspect(type);
        for (BeanPropertyDefinition p : desc.findProperties()) {
            if (p.getGetter() == null || p.getName().equals("additionalProperties")) {
                continue;
            }
            Object v;
            try {
                v = p.getGetter().getAnnotated().invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (present(v) && pkg.startsWith("io.strimzi")) {
                PresentInVersions in = p.getGetter().getAnnotated().getAnnotation(PresentInVersions.class);
                if (in == null && p.getField() != null) {
                    in = p.getField().getAnnotated().getAnnotation(PresentInVersions.class);
                }
                String version = m.apiVersion().substring(m.apiVersion().indexOf('/') + 1);
                if (in != null && !ApiVersions.inRange(version, in.value())) {
                    out.add(new Violation(
                            m.ref(),
                            "field \"" + p.getName() + "\" at " + (path.isEmpty() ? "(root)" : path.substring(1))
                                    + " is not in " + m.apiVersion() + " (Strimzi has it only in "
                                    + in.value() + ")"));
                }
            }
            walk(v, path + "." + p.getName(), m, out, depth + 1);
        }
    }

    private static boolean present(Object v) {
        return v != null
                && !(v instanceof Collection<?> c && c.isEmpty())
                && !(v instanceof Map<?, ?> mm && mm.isEmpty());
    }

    private static Object invoke(Object o, String getter) {
        try {
            Method g = o.getClass().getMethod(getter);
            return g.invoke(o);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
