package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import dev.nanochat.sae.fuzz.FuzzReport;
import dev.nanochat.sae.fuzz.Fuzzer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Mutations of real records (nanochat d2 activations from the reference fixture, encoded F32 and F16):
 * every case is an {@link InvalidRecordException} (the dead-letter path) or a batch that is
 * consistent and re-encodes — never another exception, a hang or an outsized allocation.
 */
class ActivationBatchCodecFuzzTest {
    @Test
    void mutatedRecordsAreATypedErrorOrAValidBatch() throws Exception {
        SafetensorsFile ref = Safetensors.read(Path.of(
                getClass().getResource("/reference_activations.safetensors").toURI()));
        float[] x = ref.floats("blocks.1.hook_resid_post"); // [2, 22, 128]
        int dIn = 128, rows = x.length / dIn;
        int[] tokens = Arrays.copyOf(ref.ints("input_ids"), rows);
        long[] docs = new long[rows];
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            docs[i] = i / 22;
            positions[i] = i % 22;
        }
        byte[] f32 = ActivationBatchCodec.encode(new ActivationBatch(
                "col-1",
                "d2-000600",
                "blocks.1.hook_resid_post",
                dIn,
                DType.F32,
                7,
                Split.TRAIN,
                1,
                x,
                tokens,
                docs,
                positions));
        byte[] f16 = ActivationBatchCodec.encode(new ActivationBatch(
                "col-1",
                "d2-000600",
                "blocks.1.hook_resid_post",
                dIn,
                DType.F16,
                8,
                Split.EVAL,
                1,
                x,
                tokens,
                docs,
                positions));
        int header = 8
                + (int) ByteBuffer.wrap(f32, 0, 8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
        FuzzReport r = Fuzzer.named("activation-record")
                .input(f32)
                .input(f16)
                .seed(16)
                .cases(4000)
                .hotBytes(header)
                .timeoutPerCase(Duration.ofSeconds(5))
                .memoryBudget(16L << 20, 8)
                .typedErrors(InvalidRecordException.class)
                .run(bytes -> {
                    ActivationBatch b = ActivationBatchCodec.decode(bytes, dIn);
                    assertEquals((long) b.rows() * b.dIn(), b.activations().length);
                    assertTrue(ActivationBatchCodec.decode(ActivationBatchCodec.encode(b))
                                    .rows()
                            == b.rows());
                    return b;
                })
                .assertClean();
        assertEquals(4000, r.cases());
        assertTrue(r.errors() > r.cases() / 2, "most mutations must be rejected, got " + r);
    }
}
