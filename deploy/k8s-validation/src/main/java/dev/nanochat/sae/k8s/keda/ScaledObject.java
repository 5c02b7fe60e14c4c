package dev.nanochat.sae.k8s.keda;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;
import java.util.Map;

/**
 * KEDA {@code keda.sh/v1alpha1} ScaledObject, typed after KEDA 2.x's ScaledObject spec reference
 * (keda.sh/docs/2.20/reference/scaledobject-spec, Apache-2.0); KEDA ships no Java model on Maven Central.
 * Only fields of that reference are accepted: anything else is an unknown field. {@code status} is
 * written by KEDA and never part of a manifest.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(
            ScaleTargetRef scaleTargetRef,
            Integer pollingInterval,
            Integer initialCooldownPeriod,
            Integer cooldownPeriod,
            Integer idleReplicaCount,
            Integer minReplicaCount,
            Integer maxReplicaCount,
            Fallback fallback,
            Advanced advanced,
            List<Trigger> triggers) {}

    public record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {}

    public record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}

    public record Advanced(
            Boolean restoreToOriginalReplicaCount,
            HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig,
            ScalingModifiers scalingModifiers) {}

    public record HorizontalPodAutoscalerConfig(String name, HorizontalPodAutoscalerBehavior behavior) {}

    public record ScalingModifiers(String formula, String target, String activationTarget, String metricType) {}

    /** {@code metadata} values are strings in KEDA's schema (a number there is rejected by the CRD). */
    public record Trigger(
            String type,
            String name,
            Boolean useCachedMetrics,
            String metricType,
            Map<String, String> metadata,
            AuthenticationRef authenticationRef) {}

    public record AuthenticationRef(String name, String kind) {}
}
