package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.nanochat.tokenizer.TokenizerData;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerReader;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerWriter;
import dev.nanochat.sae.nanochat.torch.Bf16;
import dev.nanochat.sae.nanochat.torch.StorageType;
import dev.nanochat.sae.nanochat.torch.TensorRef;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import dev.nanochat.sae.nanochat.torch.TorchArchiveWriter;
import dev.nanochat.sae.nanochat.torch.TorchTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our writers reproduce what nanochat's torch.save / pickle.dump wrote, byte for byte. */
class FormatRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void rewritingTheFixtureCheckpointIsByteIdentical() throws IOException {
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        try (TorchArchive a = TorchArchive.open(Fixture.modelFile())) {
            for (Map.Entry<String, TensorRef> e : a.stateDict().entrySet()) {
                state.put(
                        e.getKey(),
                        TorchTensor.of(e.getValue().type(), e.getValue().shape(), a.floats(e.getKey(), e.getValue())));
            }
        }
        assertEquals(14, state.size());
        Path out = tmp.resolve("model_000600.pt");
        TorchArchiveWriter.writeStateDict(out, state);
        assertArrayEquals(Files.readAllBytes(Fixture.modelFile()), Files.readAllBytes(out));
    }

    @Test
    void rewritingTheFixtureTokenizerFilesIsByteIdentical() throws IOException {
        Path dir = Fixture.baseDir().resolve("tokenizer");
        TokenizerData data = TokenizerReader.readPickle(dir.resolve("tokenizer.pkl"));
        int[] tokenBytes = TokenizerReader.readTokenBytes(dir.resolve("token_bytes.pt"));
        assertEquals(1024, tokenBytes.length);
        assertEquals(0, tokenBytes[1023], "special tokens count 0 bytes");
        assertEquals(data.mergeableRanks()[500].length, tokenBytes[500]);
        Path out = tmp.resolve("tokenizer");
        TokenizerWriter.write(out, data);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("tokenizer.pkl")), Files.readAllBytes(out.resolve("tokenizer.pkl")));
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("token_bytes.pt")), Files.readAllBytes(out.resolve("token_bytes.pt")));
    }

    @Test
    void largeTokenizerRoundTripsThroughMultipleFrames() {
        // 70k ranks make a pickle far above one 64 KiB frame; specials must survive too.
        byte[][] ranks = new byte[70_000][];
        for (int i = 0; i < 256; i++) ranks[i] = new byte[] {(byte) i};
        Random rng = new Random(1);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 256; i < ranks.length; ) {
            byte[] b = new byte[2 + rng.nextInt(6)];
            rng.nextBytes(b);
            if (seen.add(java.util.Arrays.toString(b))) ranks[i++] = b;
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        specials.put("<|bos|>", 70_000);
        specials.put("<|user_start|>", 70_001);
        TokenizerData data = new TokenizerData("big", "\\s+|\\S+", ranks, specials);
        TokenizerWriter.write(tmp, data);
        TokenizerData back = TokenizerReader.readPickle(tmp.resolve("tokenizer.pkl"));
        assertEquals(70_002, back.vocabSize());
        for (int i = 0; i < ranks.length; i += 997) assertArrayEquals(ranks[i], back.mergeableRanks()[i]);
        assertEquals(specials, back.specialTokens());
        assertEquals(70_002, TokenizerReader.readTokenBytes(tmp.resolve("token_bytes.pt")).length);
    }

    @Test
    void halfPrecisionStoragesRoundTripToTheirRoundedValues() {
        float[] values = {0f, 1f, -2.5f, 3.14159f, 1e-3f, 65504f, -7.77e-5f, 1234.567f};
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        state.put("a.bf16", TorchTensor.of(StorageType.BFLOAT16, new long[] {2, 4}, values));
        state.put("b.half", TorchTensor.of(StorageType.HALF, new long[] {8}, values));
        state.put("c.float", TorchTensor.of(StorageType.FLOAT, new long[] {4, 2}, values));
        Path file = tmp.resolve("mixed.pt");
        TorchArchiveWriter.writeStateDict(file, state);
        try (TorchArchive a = TorchArchive.open(file)) {
            Map<String, TensorRef> refs = a.stateDict();
            assertEquals(StorageType.BFLOAT16, refs.get("a.bf16").type());
            float[] bf = a.floats("a.bf16", refs.get("a.bf16"));
            float[] half = a.floats("b.half", refs.get("b.half"));
            for (int i = 0; i < values.length; i++) {
                assertEquals(Bf16.round(values[i]), bf[i]);
                assertEquals(values[i], half[i], Math.abs(values[i]) * 1e-3 + 1e-7);
            }
            assertArrayEquals(values, a.floats("c.float", refs.get("c.float")));
        }
    }
}
