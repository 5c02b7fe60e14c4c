package dev.nanochat.sae.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates rendered overlays with no cluster: {@code kubectl kustomize}, then every object strictly
 * against its schema ({@link StrictSchemas}), then the cross-object rules ({@link PlatformChecks}).
 * A directory whose name contains "gpu" is a GPU overlay (its trainers must ask for GPUs).
 *
 * <p>{@code main} validates the overlays given as arguments (default: every directory under
 * deploy/k8s/overlays), prints each violation and exits 1 on any.
 */
public final class ManifestValidator {
    private ManifestValidator() {}

    public static List<Violation> validate(List<Manifest> objects, boolean gpuOverlay, String readme) {
        StrictSchemas schemas = new StrictSchemas();
        List<Violation> out = new ArrayList<>();
        for (Manifest m : objects) {
            out.addAll(schemas.check(m));
        }
        out.addAll(PlatformChecks.check(objects, gpuOverlay, readme));
        return out;
    }

    public static List<Violation> validateOverlay(Path overlay, Path readme) throws Exception {
        String text = readme != null && Files.exists(readme) ? Files.readString(readme) : null;
        boolean gpu = overlay.getFileName().toString().contains("gpu");
        return validate(Kustomize.parse(Kustomize.render(overlay)), gpu, text);
    }

    public static void main(String[] args) throws Exception {
        Path k8s = Path.of("deploy", "k8s");
        List<Path> overlays = new ArrayList<>();
        if (args.length > 0) {
            for (String a : args) {
                overlays.add(Path.of(a));
            }
        } else {
            try (var dirs = Files.list(k8s.resolve("overlays"))) {
                dirs.filter(Files::isDirectory).sorted().forEach(overlays::add);
            }
        }
        int bad = 0;
        for (Path o : overlays) {
            List<Violation> v = validateOverlay(o, k8s.resolve("README.md"));
            System.out.println(o + ": " + (v.isEmpty() ? "valid" : v.size() + " violation(s)"));
            v.forEach(x -> System.out.println("  " + x));
            bad += v.size();
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
