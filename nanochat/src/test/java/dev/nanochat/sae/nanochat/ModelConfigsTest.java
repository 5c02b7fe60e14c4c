package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.torch.Bf16;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other configs through checkpoints our writer makes: GQA equals MHA with duplicated kv heads, a
 * bf16 embedding file equals an fp32 model with pre-rounded weights, odd vocab sizes load.
 */
class ModelConfigsTest {
    @TempDir
    Path base;

    static Map<String, float[]> randomWeights(ModelConfig c, long seed) {
        Random rng = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        StateDictLayout.shapes(c).forEach((k, shape) -> {
            float[] a = new float[(int) (shape[0] * shape[1])];
            double std = k.contains("wte") ? 1.0 : 1.0 / Math.sqrt(shape[1]);
            for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * std);
            w.put(k, a);
        });
        return w;
    }

    static int[][] randomIds(int b, int t, int vocab, long seed) {
        Random rng = new Random(seed);
        int[][] ids = new int[b][t];
        for (int[] row : ids) for (int i = 0; i < t; i++) row[i] = rng.nextInt(vocab);
        return ids;
    }

    private static float[] logits(ModelCheckpoint ref, int[][] ids) {
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            return gpt.forward(ids, ForwardOptions.logitsOnly()).logits();
        }
    }

    @Test
    void groupedQueryAttentionEqualsMhaWithDuplicatedKvHeads() {
        ModelConfig gqa = new ModelConfig(64, 301, 2, 6, 2, 96); // head_dim 16, 3 query heads per kv head
        ModelConfig mha = new ModelConfig(64, 301, 2, 6, 6, 96);
        Map<String, float[]> w = randomWeights(gqa, 7);
        Map<String, float[]> dup = new LinkedHashMap<>(w);
        int d = gqa.headDim(), c = gqa.nEmbd(), group = gqa.nHead() / gqa.nKvHead();
        for (String k : w.keySet()) {
            if (!k.endsWith("c_k.weight") && !k.endsWith("c_v.weight")) continue;
            float[] src = w.get(k), out = new float[mha.nKvHead() * d * c];
            for (int h = 0; h < mha.nHead(); h++) System.arraycopy(src, (h / group) * d * c, out, h * d * c, d * c);
            dup.put(k, out);
        }
        ModelCheckpoint g = ModelCheckpointWriter.write(base, "base", "d2", 1, gqa, w, StorageType.FLOAT, null);
        ModelCheckpoint m = ModelCheckpointWriter.write(base, "mid", "d2", 1, mha, dup, StorageType.FLOAT, null);
        int[][] ids = randomIds(2, 19, 301, 3);
        float[] lg = logits(ModelCheckpoints.resolve(base, "base", null, null), ids),
                lm = logits(ModelCheckpoints.resolve(base, "mid", null, null), ids);
        assertEquals(2 * 19 * 301, lg.length);
        float diff = Fixture.maxAbsDiff(lg, lm);
        assertTrue(diff < 1e-5f, "GQA vs duplicated-kv MHA max abs diff " + diff);
        assertEquals("d2-000001", g.modelId());
        assertEquals("mid-d2-000001", m.modelId());
    }

    @Test
    void bf16EmbeddingFileEqualsFp32ModelWithPreRoundedEmbeddings() {
        ModelConfig cfg = new ModelConfig(32, 517, 1, 2, 1, 64);
        Map<String, float[]> w = randomWeights(cfg, 11);
        ModelCheckpoint bf = ModelCheckpointWriter.write(base, "base", "d1", 5, cfg, w, StorageType.BFLOAT16, null);
        Map<String, float[]> rounded = new LinkedHashMap<>(w);
        float[] wte = w.get("transformer.wte.weight").clone();
        for (int i = 0; i < wte.length; i++) wte[i] = Bf16.round(wte[i]);
        rounded.put("transformer.wte.weight", wte);
        ModelCheckpoint fp = ModelCheckpointWriter.write(base, "sft", "d1", 5, cfg, rounded, StorageType.FLOAT, null);
        int[][] ids = randomIds(1, 12, 517, 4);
        float[] a = logits(bf, ids), b = logits(fp, ids);
        assertEquals(0f, Fixture.maxAbsDiff(a, b), "bf16 file must load exactly as its rounded fp32 values");
        float[] unrounded =
                logits(ModelCheckpointWriter.write(base, "rl", "d1", 5, cfg, w, StorageType.FLOAT, null), ids);
        assertTrue(
                Fixture.maxAbsDiff(a, unrounded) > 0f,
                "rounding the embedding must matter, or this test proves nothing");
    }

    @Test
    void defaultsPickTheDeepestTagAndLargestStep() {
        ModelConfig small = new ModelConfig(16, 300, 1, 2, 2, 32);
        Map<String, float[]> w = randomWeights(small, 1);
        ModelCheckpointWriter.write(base, "base", "d4", 100, small, w, StorageType.FLOAT, null);
        ModelCheckpointWriter.write(base, "base", "d12", 20, small, w, StorageType.FLOAT, null);
        ModelCheckpointWriter.write(base, "base", "d12", 300, small, w, StorageType.FLOAT, null);
        ModelCheckpoint ref = ModelCheckpoints.resolve(base, "base", null, null);
        assertEquals("d12", ref.tag());
        assertEquals(300, ref.step());
        assertEquals(small, ref.config());
    }
}
