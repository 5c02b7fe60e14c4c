package dev.nanochat.sae.evaluator.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class HeldOutRepository implements PanacheRepository<HeldOutRecord> {

    /** Tokens (rows) held out so far for (model, hook). */
    public long tokens(String modelId, String hook) {
        Long sum = getEntityManager()
                .createQuery(
                        "select coalesce(sum(r.rowsCount), 0) from HeldOutRecord r where r.modelId = ?1 and r.hook = ?2",
                        Long.class)
                .setParameter(1, modelId)
                .setParameter(2, hook)
                .getSingleResult();
        return sum == null ? 0 : sum;
    }

    /** The collection the held-out set of (model, hook) is taken from, or null before its first record. */
    public String collection(String modelId, String hook) {
        List<String> ids = getEntityManager()
                .createQuery(
                        "select r.collectionId from HeldOutRecord r where r.modelId = ?1 and r.hook = ?2"
                                + " and r.collectionId is not null order by r.id",
                        String.class)
                .setParameter(1, modelId)
                .setParameter(2, hook)
                .setMaxResults(1)
                .getResultList();
        return ids.isEmpty() ? null : ids.get(0);
    }

    public boolean contains(String topic, int partition, long offset) {
        return count("topic = ?1 and kafkaPartition = ?2 and kafkaOffset = ?3", topic, partition, offset) > 0;
    }

    /** In production order: a collection's sequence number, then arrival. */
    public List<HeldOutRecord> records(String modelId, String hook) {
        return list("modelId = ?1 and hook = ?2", Sort.by("sequence").and("id"), modelId, hook);
    }
}
