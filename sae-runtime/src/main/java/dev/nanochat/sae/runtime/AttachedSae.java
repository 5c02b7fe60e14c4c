package dev.nanochat.sae.runtime;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelConfig;
import java.nio.file.Path;

/**
 * One SAE attached to the model at its hook. Design: the hook comes from the SAE's own cfg.json
 * ({@code metadata.hook_name}), so a folder cannot be attached at a site it was not trained on; the id
 * (the folder's name unless given) is how callers and the REST layer address it.
 */
public record AttachedSae(String id, Sae sae, HookPoint hook) {
    public AttachedSae {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("an attached SAE needs an id");
        if (sae == null || hook == null)
            throw new IllegalArgumentException("SAE '" + id + "' needs weights and a hook");
    }

    public static AttachedSae load(Path saeLensDir, ModelConfig model) {
        return load(saeLensDir.getFileName().toString(), saeLensDir, model);
    }

    public static AttachedSae load(String id, Path saeLensDir, ModelConfig model) {
        Sae sae = Sae.load(saeLensDir);
        try {
            String hookName = sae.config().hookPoint();
            if (hookName.isBlank()) {
                throw new IllegalArgumentException(
                        "SAE " + saeLensDir + " names no hook (cfg.json metadata.hook_name)");
            }
            HookPoint hook = HookPoint.parse(hookName).validate(model);
            if (sae.config().dIn() != model.nEmbd()) {
                throw new IllegalArgumentException("SAE " + saeLensDir + " has d_in "
                        + sae.config().dIn() + " but hook " + hookName + " is " + model.nEmbd() + " wide");
            }
            return new AttachedSae(id, sae, hook);
        } catch (RuntimeException e) {
            sae.close();
            throw e;
        }
    }

    public int dSae() {
        return sae.config().dSae();
    }

    /** Throws unless {@code feature} is one of this SAE's latents. */
    public int checkFeature(int feature) {
        if (feature < 0 || feature >= dSae()) {
            throw new IllegalArgumentException(
                    "feature " + feature + " is out of range for SAE '" + id + "' (0.." + (dSae() - 1) + ")");
        }
        return feature;
    }
}
