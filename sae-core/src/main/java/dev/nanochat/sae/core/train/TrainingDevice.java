package dev.nanochat.sae.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * A run's compute device by name ("cpu", "gpu" = gpu:0, "gpu:N") and its DJL {@link Device}.
 *
 * Design: options carry the name (it is stored in checkpoints and REST requests); the DJL device is
 * resolved when a trainer is built, so asking for a GPU that DJL's engine cannot see fails at once with
 * what the engine did find, instead of allocating on the wrong device or crashing on the first step.
 */
public final class TrainingDevice {
    public static final String CPU = "cpu";

    private TrainingDevice() {}

    /** Canonical name ("cpu", "gpu:N"); null or blank → "cpu". Rejects anything else with the accepted forms. */
    public static String normalise(String name) {
        if (name == null || name.isBlank()) return CPU;
        String s = name.trim().toLowerCase(Locale.ROOT);
        if (s.equals(CPU)) return CPU;
        if (s.equals("gpu")) return "gpu:0";
        if (s.startsWith("gpu:")) {
            try {
                int id = Integer.parseInt(s.substring(4));
                if (id >= 0) return "gpu:" + id;
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("device must be 'cpu', 'gpu' or 'gpu:N' (N ≥ 0), got '" + name + "'");
    }

    public static boolean isGpu(String name) {
        return !normalise(name).equals(CPU);
    }

    /** The DJL device for a name; a GPU DJL's engine does not see → IllegalArgumentException naming what it sees. */
    public static Device resolve(String name) {
        String n = normalise(name);
        if (n.equals(CPU)) return Device.cpu();
        int id = Integer.parseInt(n.substring(4));
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        if (id >= gpus)
            throw new IllegalArgumentException("device '" + name + "' requested but DJL's " + engine.getEngineName()
                    + " engine " + engine.getVersion() + " found " + describeFound(gpus)
                    + (gpus == 0
                            ? " (a CPU libtorch build; a GPU needs CUDA libtorch, see trainer-service/README.md)"
                            : "")
                    + "; use device 'cpu'" + (gpus > 0 ? " or gpu:0..gpu:" + (gpus - 1) : ""));
        return Device.gpu(id);
    }

    /** "devices [cpu()] and no CUDA GPU" / "devices [cpu(), gpu(0), gpu(1)]". */
    static String describeFound(int gpus) {
        StringBuilder sb = new StringBuilder("devices [cpu()");
        for (int i = 0; i < gpus; i++) sb.append(", gpu(").append(i).append(')');
        sb.append(']');
        if (gpus == 0) sb.append(" and no CUDA GPU");
        return sb.toString();
    }
}
