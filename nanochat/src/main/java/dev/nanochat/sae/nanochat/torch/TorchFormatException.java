package dev.nanochat.sae.nanochat.torch;

/** A torch.save archive that is missing, truncated, or inconsistent; the message names file and key. */
public final class TorchFormatException extends IllegalArgumentException {
    public TorchFormatException(String message) {
        super(message);
    }
}
