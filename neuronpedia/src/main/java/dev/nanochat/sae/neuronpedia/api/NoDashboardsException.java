package dev.nanochat.sae.neuronpedia.api;

/** The dashboard server has no dashboards (yet) for an SAE: nothing is packaged, nothing uploaded. */
public class NoDashboardsException extends IllegalStateException {
    public NoDashboardsException(String message) {
        super(message);
    }
}
