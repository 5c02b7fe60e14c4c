package dev.nanochat.sae.trainer.scaling;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.support.problem.ProblemException;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import dev.nanochat.sae.trainer.persistence.RunStore;
import dev.nanochat.sae.trainer.runtime.RunServices;
import dev.nanochat.sae.trainer.runtime.TrainerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * {@code GET /scaling}: the trainer pool's demand ({@link ScalingDemand}) for KEDA's metrics-api trigger
 * (deploy/k8s/base/scaledobject.yaml). Every pod answers the same figures (runs table + broker), so
 * KEDA may ask any pod behind the Service. Outside {@code /api} on purpose, like {@code /q/metrics}: KEDA
 * polls it without a token, and it carries only counts, never a run id, topic or figure of a run.
 * Computed at most once per {@code sae.trainer.scaling.cache-ms}, so polls cost the broker nothing
 * extra; a broker or database failure is a 503 problem (KEDA then counts a failed poll toward its fallback).
 */
@Path("/scaling")
@ApplicationScoped
public class ScalingResource {
    private static final Logger LOG = Logger.getLogger(ScalingResource.class);

    private final RunStore store;
    private final TopicNames topics;
    private final KafkaClientProperties kafka;
    private final long lagThreshold;
    private final int runsPerTrainer;
    private final long cacheMs;
    private final Clock clock = Clock.systemUTC();
    private Admin admin;
    private ScalingDemand cached;

    ScalingResource(RunStore store, TopicNames topics, KafkaClientProperties kafka, TrainerConfig config) {
        this.store = store;
        this.topics = topics;
        this.kafka = kafka;
        this.lagThreshold = config.scaling().lagThreshold();
        this.runsPerTrainer = config.scaling().runsPerTrainer();
        this.cacheMs = config.scaling().cacheMs();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public synchronized ScalingDemand demand() {
        Instant now = clock.instant();
        if (cached != null && now.toEpochMilli() - cached.computedAt().toEpochMilli() < cacheMs) {
            return cached;
        }
        List<RunEntity> runs = store.unfinished(topics.runs());
        List<GroupLag.Subscription> subs = runs.stream()
                .map(r -> new GroupLag.Subscription(RunServices.runGroup(r.id), r.activationTopic))
                .toList();
        Map<GroupLag.Subscription, Long> lags;
        try {
            lags = new GroupLag(admin(), 10_000).lags(subs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "interrupted while reading consumer lag");
        } catch (Exception e) {
            LOG.warnf("reading the runs' consumer lag failed: %s", e.toString());
            throw new ProblemException(503, "the runs' consumer lag cannot be read from Kafka now");
        }
        List<ScalingDemand.RunLag> perRun = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            perRun.add(new ScalingDemand.RunLag(lags.get(subs.get(i)), runs.get(i).desiredState == RunStatus.RUNNING));
        }
        cached = ScalingDemand.of(perRun, lagThreshold, runsPerTrainer, now);
        return cached;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(kafka.admin("trainer-scaling", Map.of()));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) admin.close();
    }
}
