package dev.nanochat.sae.viz.runtime;

import dev.nanochat.sae.viz.web.NavLink;
import jakarta.enterprise.context.ApplicationScoped;

/** The playground's entry in viz's nav bar (after Runs, SAEs, Jobs). */
@ApplicationScoped
public class PlaygroundNavLink implements NavLink {
    @Override
    public String label() {
        return "Playground";
    }

    @Override
    public String href() {
        return "/playground";
    }

    @Override
    public int order() {
        return 40;
    }
}
