package dev.nanochat.sae.nanochat.tokenizer;

import dev.nanochat.sae.nanochat.pickle.PickleWriter;
import dev.nanochat.sae.nanochat.pickle.PyBytes;
import dev.nanochat.sae.nanochat.pickle.PyNewObj;
import dev.nanochat.sae.nanochat.torch.TorchArchiveWriter;
import dev.nanochat.sae.nanochat.torch.TorchTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes `tokenizer/tokenizer.pkl` (pickle protocol 4 of a tiktoken Encoding, as nanochat's
 * RustBPETokenizer.save does) and `tokenizer/token_bytes.pt` (int32 byte length per id, 0 for
 * special tokens, as tok_train.py does), so nanochat's Python loads them.
 */
public final class TokenizerWriter {
    private TokenizerWriter() {}

    public static void write(Path tokenizerDir, TokenizerData data) {
        Map<Object, Object> ranks = new LinkedHashMap<>();
        for (int r = 0; r < data.mergeableRanks().length; r++)
            ranks.put(new PyBytes(data.mergeableRanks()[r]), (long) r);
        Map<Object, Object> specials = new LinkedHashMap<>();
        data.specialTokens().forEach((k, v) -> specials.put(k, (long) v));
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put("name", data.name());
        state.put("pat_str", data.patStr());
        state.put("mergeable_ranks", ranks);
        state.put("special_tokens", specials);
        byte[] pickle = PickleWriter.dumps(new PyNewObj(TokenizerReader.ENCODING, state), 4);
        try {
            Files.createDirectories(tokenizerDir);
            Path tmp = Files.createTempFile(tokenizerDir, ".tokenizer", ".tmp");
            Files.write(tmp, pickle);
            dev.nanochat.sae.nanochat.torch.FileModes.worldReadable(tmp);
            Files.move(
                    tmp,
                    tokenizerDir.resolve("tokenizer.pkl"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write " + tokenizerDir.resolve("tokenizer.pkl") + ": " + e.getMessage(), e);
        }
        int[] lengths = new int[data.vocabSize()];
        for (int r = 0; r < data.mergeableRanks().length; r++) lengths[r] = data.mergeableRanks()[r].length;
        TorchArchiveWriter.writeTensor(
                tokenizerDir.resolve("token_bytes.pt"), TorchTensor.ofInts(new long[] {lengths.length}, lengths));
    }
}
