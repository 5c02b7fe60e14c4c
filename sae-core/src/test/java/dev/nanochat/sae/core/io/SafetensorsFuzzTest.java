package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.fuzz.FuzzReport;
import dev.nanochat.sae.fuzz.Fuzzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Mutations of the real reference_activations.safetensors (written by Python's safetensors): every
 * case is a {@link SafetensorsException} or a file whose every tensor reads back completely.
 */
class SafetensorsFuzzTest {
    @Test
    void mutatedReferenceFileIsATypedErrorOrReadable() throws Exception {
        byte[] real = Files.readAllBytes(Path.of(
                getClass().getResource("/reference_activations.safetensors").toURI()));
        int header = 8
                + (int) (java.nio.ByteBuffer.wrap(real, 0, 8)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getLong());
        FuzzReport r = Fuzzer.named("safetensors")
                .input(real)
                .seed(16)
                .cases(3000)
                .hotBytes(header)
                .timeoutPerCase(Duration.ofSeconds(5))
                .memoryBudget(16L << 20, 8)
                .typedErrors(SafetensorsException.class)
                .run(bytes -> {
                    SafetensorsFile f = Safetensors.read(bytes);
                    long elements = 0;
                    for (String name : f.names()) {
                        TensorInfo t = f.info(name);
                        if (t.dtype().isFloat()) {
                            elements += f.floats(name).length;
                        } else if (t.dtype() == DType.I64) {
                            elements += f.longs(name).length;
                        } else {
                            elements += f.rawBytes(name).length / t.dtype().byteSize();
                        }
                    }
                    return elements;
                })
                .assertClean();
        assertEquals(3000, r.cases());
    }
}
