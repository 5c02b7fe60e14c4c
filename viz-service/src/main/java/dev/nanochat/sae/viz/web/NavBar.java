package dev.nanochat.sae.viz.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The nav bar's entries for every page ({@code {inject:nav.links}} in base.html): built-ins plus NavLink beans. */
@ApplicationScoped
@Named("nav")
public class NavBar {
    /** A plain entry. */
    public record Link(String label, String href, int order) implements NavLink {}

    @Inject
    Instance<NavLink> extra;

    public List<NavLink> links() {
        return Stream.concat(
                        Stream.of(
                                new Link("Runs", "/runs", 10),
                                new Link("SAEs", "/saes", 20),
                                new Link("Jobs", "/jobs", 30)),
                        extra.stream())
                .sorted(Comparator.comparingInt(NavLink::order))
                .toList();
    }
}
