package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.DefaultCorpus;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.GptWeights;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTrainerTest {
    @TempDir
    Path dir;

    @Test
    void shortTrainingLowersTheLossAndTheCheckpointRoundTripsWithIdenticalLogits() {
        // A real tokenizer on 100k characters of europarl, written and read back through nanochat's files.
        BpeVocabulary vocab;
        try (CorpusReader r = DefaultCorpus.open(dir.resolve("home")).open()) {
            vocab = TokenizerTraining.train(r, d -> true, 100_000, 512).vocabulary();
        }
        Tokenizer tok = DemoModelBuilder.writeTokenizer(dir.resolve("nanochat/tokenizer"), vocab);
        assertEquals(512, tok.vocabSize());

        ModelConfig config = new ModelConfig(32, 512, 1, 2, 2, 64);
        TokenBatches stream = new TokenBatches(
                () -> DefaultCorpus.open(dir.resolve("home")).open(),
                d -> true,
                tok::encodeOrdinary,
                tok.bosId(),
                4,
                32,
                false);
        List<int[][]> batches = new ArrayList<>();
        for (int i = 0; i < 3; i++) batches.add(stream.next());
        stream.close();
        assertEquals(tok.bosId(), batches.get(0)[0][0], "the stream starts with <|bos|>");

        int[][] probe = {java.util.Arrays.copyOf(batches.get(0)[0], 32), java.util.Arrays.copyOf(batches.get(1)[2], 32)
        };
        float[] trainedLogits;
        double first, last = 0;
        try (GptWeights weights = GptWeights.randomInit(config, 7, Device.cpu());
                ModelTrainer trainer = new ModelTrainer(weights, 1e-2, 1e-1, 1e-2)) {
            first = trainer.step(batches.get(0), 1.0);
            assertEquals(Math.log(512), first, 1e-3, "lm_head starts at zero: uniform prediction, loss = ln V");
            for (int s = 1; s < 45; s++) last = trainer.step(batches.get(s % 3), 1.0);
            assertEquals(45, trainer.steps());
            weights.save(dir.resolve("nanochat"), "base", "d1", trainer.steps(), StorageType.FLOAT, null);
            try (Gpt gpt = new Gpt(weights)) {
                trainedLogits = gpt.forward(probe, ForwardOptions.logitsOnly()).logits();
            }
        }
        assertTrue(
                last < 0.6 * first,
                "loss should fall well below ln V on three repeated batches: " + first + " → " + last);

        ModelCheckpoint ref = ModelCheckpoints.resolve(dir.resolve("nanochat"), "base", null, null);
        assertEquals("d1", ref.tag());
        assertEquals(45, ref.step());
        assertEquals(config, ref.config());
        // The training layout (separate q/k/v arrays, as trained) must give the trained logits bit for
        // bit; Gpt.load's inference layout fuses q/k/v into one GEMM, so only float rounding may differ.
        try (Gpt reloaded = new Gpt(GptWeights.load(ref, Device.cpu()))) {
            assertArrayEquals(
                    trainedLogits,
                    reloaded.forward(probe, ForwardOptions.logitsOnly()).logits(),
                    0f,
                    "fp32 checkpoint round trip must reproduce the logits exactly");
            reloaded.weights().close();
        }
        try (Gpt inference = Gpt.load(ref, Device.cpu())) {
            assertArrayEquals(
                    trainedLogits,
                    inference.forward(probe, ForwardOptions.logitsOnly()).logits(),
                    1e-4f,
                    "the inference layout computes the same logits up to rounding");
        }
    }
}
