package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * One latent's dashboard: the sortable numbers as columns, the whole Neuronpedia Neuron row as JSON
 * text (rendered once at analysis time, so a feature page is one primary-key read).
 */
@Entity
@Table(name = "feature")
@IdClass(FeatureKey.class)
public class FeatureRow extends PanacheEntityBase {
    @Id
    @Column(name = "dashboard_id")
    public Long dashboardId;

    @Id
    public int idx;

    @Column(name = "frac_nonzero", nullable = false)
    public double fracNonzero;

    @Column(name = "max_act", nullable = false)
    public float maxAct;

    @Column(nullable = false)
    public String blurb;

    @Column(name = "neuron_json", nullable = false)
    public String neuronJson;
}
