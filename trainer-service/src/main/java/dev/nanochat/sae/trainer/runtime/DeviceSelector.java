package dev.nanochat.sae.trainer.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Maps a run's {@code device} (cpu|gpu) to a DJL device, failing clearly when no GPU is visible. */
public final class DeviceSelector {
    private DeviceSelector() {
    }

    public static Device select(String requested) {
        if ("cpu".equals(requested)) {
            return Device.cpu();
        }
        if ("gpu".equals(requested)) {
            Engine engine = Engine.getInstance();
            if (engine.getGpuCount() == 0) {
                throw new IllegalArgumentException("device 'gpu' requested but DJL's " + engine.getEngineName()
                        + " engine " + engine.getVersion() + " sees no CUDA GPU (this image ships CPU libtorch;"
                        + " see trainer-service/README.md for GPU images)");
            }
            return Device.gpu();
        }
        throw new IllegalArgumentException("device must be 'cpu' or 'gpu', got '" + requested + "'");
    }
}
