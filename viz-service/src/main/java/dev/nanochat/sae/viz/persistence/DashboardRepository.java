package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Dashboards by checkpoint and by Neuronpedia source; only DONE rows are ever served. */
@ApplicationScoped
public class DashboardRepository implements PanacheRepository<Dashboard> {
    public Optional<Dashboard> byCheckpoint(String checkpointId) {
        return find("checkpointId", checkpointId).firstResultOptional();
    }

    /** The newest completed dashboard of a source (a later checkpoint of the run replaces an earlier one). */
    public Optional<Dashboard> latestDone(String modelId, String sourceId) {
        return find(
                        "modelId = ?1 and sourceId = ?2 and status = ?3 order by step desc, id desc",
                        modelId,
                        sourceId,
                        Dashboard.DONE)
                .firstResultOptional();
    }

    public List<Dashboard> done() {
        return list("status = ?1 order by modelId, sourceId, step desc", Dashboard.DONE);
    }

    public List<Dashboard> recent(int limit) {
        return find("order by id desc").page(0, limit).list();
    }
}
