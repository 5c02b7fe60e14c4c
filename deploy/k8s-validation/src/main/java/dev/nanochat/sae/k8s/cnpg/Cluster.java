package dev.nanochat.sae.k8s.cnpg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * CloudNativePG {@code postgresql.cnpg.io/v1} Cluster, typed after the subset of the ClusterSpec in
 * CloudNativePG's API reference (cloudnative-pg.io/documentation/current/cloudnative-pg.v1, Apache-2.0)
 * that a platform like ours sets; CloudNativePG ships no Java model on Maven Central. A field outside
 * this subset is reported as unknown: add it here (with the reference's name and type) when you use it.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Cluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(
            String description,
            Integer instances,
            String imageName,
            String imagePullPolicy,
            Bootstrap bootstrap,
            StorageConfiguration storage,
            StorageConfiguration walStorage,
            ResourceRequirements resources,
            PostgresConfiguration postgresql,
            AffinityConfiguration affinity,
            Monitoring monitoring,
            Integer minSyncReplicas,
            Integer maxSyncReplicas,
            Integer startDelay,
            Integer stopDelay,
            Integer switchoverDelay,
            String primaryUpdateStrategy,
            String primaryUpdateMethod,
            Boolean enableSuperuserAccess,
            SecretRef superuserSecret,
            String priorityClassName) {}

    public record Bootstrap(InitDb initdb) {}

    public record InitDb(
            String database,
            String owner,
            SecretRef secret,
            String encoding,
            String localeCollate,
            String localeCType,
            Boolean dataChecksums,
            List<String> postInitSQL,
            List<String> postInitApplicationSQL) {}

    public record SecretRef(String name) {}

    public record StorageConfiguration(
            String storageClass, String size, Boolean resizeInUseVolumes, PersistentVolumeClaimSpec pvcTemplate) {}

    public record PostgresConfiguration(Map<String, String> parameters, List<String> pg_hba, List<String> pg_ident) {}

    public record AffinityConfiguration(
            Boolean enablePodAntiAffinity,
            String topologyKey,
            Map<String, String> nodeSelector,
            List<Toleration> tolerations,
            String podAntiAffinityType) {}

    public record Monitoring(Boolean enablePodMonitor) {}
}
