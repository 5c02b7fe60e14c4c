package dev.nanochat.sae.trainer.runtime;

import ai.djl.Device;
import dev.nanochat.sae.core.train.TrainingDevice;

/**
 * Maps a run's {@code device} (cpu | gpu | gpu:N; absent → the instance default {@code SAE_DEVICE}) to
 * its canonical name and DJL device, failing clearly when DJL's engine does not see that GPU. The rules
 * are sae-core's {@link TrainingDevice}, so the API rejects exactly what the trainer would.
 */
public final class DeviceSelector {
    private DeviceSelector() {}

    /** Canonical device name of a request ("cpu", "gpu:0", ...) after checking DJL can use it. */
    public static String choose(String requested, String instanceDefault) {
        String name = TrainingDevice.normalise(requested == null || requested.isBlank() ? instanceDefault : requested);
        select(name);
        return name;
    }

    public static Device select(String requested) {
        return TrainingDevice.resolve(requested);
    }
}
