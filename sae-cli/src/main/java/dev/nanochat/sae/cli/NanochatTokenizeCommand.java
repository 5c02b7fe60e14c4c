package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `sae nanochat tokenize`: the ids of a text as a JSON array on stdout (tiktoken encode_ordinary). */
@Command(name = "tokenize", description = "Tokenize text with a checkpoint's tokenizer (JSON array of ids)")
public final class NanochatTokenizeCommand implements Callable<Integer> {
    @Option(names = "--base-dir", description = "nanochat base dir (default $NANOCHAT_BASE_DIR or ~/.cache/nanochat)")
    Path baseDir;

    @Option(names = "--text", required = true)
    String text;

    @Option(names = "--bos", description = "prepend <|bos|> as nanochat does for documents")
    boolean bos;

    @Override
    public Integer call() throws Exception {
        Tokenizer tok =
                Tokenizer.load((baseDir != null ? baseDir : ModelCheckpoints.defaultBaseDir()).resolve("tokenizer"));
        int[] ids = tok.encodeOrdinary(text);
        if (bos) {
            int[] with = new int[ids.length + 1];
            with[0] = tok.bosId();
            System.arraycopy(ids, 0, with, 1, ids.length);
            ids = with;
        }
        System.out.println(new ObjectMapper().writeValueAsString(ids));
        return 0;
    }
}
