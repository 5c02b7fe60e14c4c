package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Feature rows of one dashboard: point reads and sorted pages. */
@ApplicationScoped
public class FeatureRepository implements PanacheRepositoryBase<FeatureRow, FeatureKey> {
    /** Sort keys of the feature list; the column names are fixed here, never taken from a request. */
    public enum Sort {
        INDEX("idx"),
        DENSITY("fracNonzero desc, idx"),
        MAX_ACT("maxAct desc, idx"),
        DENSITY_ASC("fracNonzero, idx");

        final String orderBy;

        Sort(String orderBy) {
            this.orderBy = orderBy;
        }
    }

    public Optional<FeatureRow> one(long dashboardId, int idx) {
        return findByIdOptional(new FeatureKey(dashboardId, idx));
    }

    /** One page of the list without the large JSON column. */
    public List<FeatureStats> page(long dashboardId, Sort sort, int page, int size) {
        return getEntityManager()
                .createQuery(
                        "select new " + FeatureStats.class.getName()
                                + "(f.idx, f.fracNonzero, f.maxAct, f.blurb) from FeatureRow f where f.dashboardId = ?1 order by f."
                                + sort.orderBy.replace(", ", ", f."),
                        FeatureStats.class)
                .setParameter(1, dashboardId)
                .setFirstResult(page * size)
                .setMaxResults(size)
                .getResultList();
    }

    public long countOf(long dashboardId) {
        return count("dashboardId", dashboardId);
    }

    public long deleteOf(long dashboardId) {
        return delete("dashboardId", dashboardId);
    }
}
