package dev.nanochat.sae.viz.web;

/**
 * One entry of the nav bar in {@code base.html}. Another page joins the bar by adding a CDI bean that
 * implements this (e.g. a Playground page), without editing the layout; order sorts the entries.
 */
public interface NavLink {
    String label();

    String href();

    default int order() {
        return 100;
    }
}
