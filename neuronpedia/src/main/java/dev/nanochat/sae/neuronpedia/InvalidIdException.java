package dev.nanochat.sae.neuronpedia;

/** An id that breaks Neuronpedia's rules; REST maps it to 400 before anything is sent. */
public class InvalidIdException extends IllegalArgumentException {
    public InvalidIdException(String message) {
        super(message);
    }
}
