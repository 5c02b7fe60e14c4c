package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.nanochat.pickle.PickleAllowList;
import dev.nanochat.sae.nanochat.pickle.PickleException;
import dev.nanochat.sae.nanochat.pickle.PickleReader;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerReader;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import dev.nanochat.sae.nanochat.torch.TorchFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt, mismatched and hostile files fail with messages naming the file and the key. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertMentions(RuntimeException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void missingCheckpointFilesAreNamed() throws IOException {
        IllegalArgumentException noDir =
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoints.resolve(tmp, "base", null, null));
        assertMentions(noDir, "base_checkpoints");
        Path dir = Files.createDirectories(tmp.resolve("base_checkpoints/d4"));
        Files.copy(Fixture.modelFile(), dir.resolve("model_000010.pt"));
        IllegalArgumentException noMeta =
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoints.resolve(tmp, "base", null, null));
        assertMentions(noMeta, "meta_000010.json");
        assertMentions(
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoints.resolve(tmp, "base", "d4", 99)),
                "model_000099.pt");
        assertMentions(
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoints.resolve(tmp, "chat", null, null)),
                "chat");
        assertMentions(
                assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(tmp.resolve("tokenizer"))),
                "tokenizer.pkl");
    }

    @Test
    void configShapeMismatchNamesTheKeyAndShapes() {
        ModelConfig wider = new ModelConfig(128, 1024, 2, 4, 4, 256);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ModelCheckpointReader.read(Fixture.modelFile(), wider));
        assertMentions(e, "model_000600.pt", "transformer.wte.weight", "[1024, 128]", "[1024, 256]");
        ModelConfig deeper = new ModelConfig(128, 1024, 3, 4, 4, 128);
        assertMentions(
                assertThrows(
                        IllegalArgumentException.class, () -> ModelCheckpointReader.read(Fixture.modelFile(), deeper)),
                "missing key 'transformer.h.2.attn.c_q.weight'");
        ModelConfig gqa = new ModelConfig(128, 1024, 2, 4, 2, 128);
        assertMentions(
                assertThrows(
                        IllegalArgumentException.class, () -> ModelCheckpointReader.read(Fixture.modelFile(), gqa)),
                "transformer.h.0.attn.c_k.weight",
                "[64, 128]");
    }

    @Test
    void truncatedZipIsACleanError() throws IOException {
        byte[] all = Files.readAllBytes(Fixture.modelFile());
        Path cut = tmp.resolve("model_000600.pt");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        TorchFormatException e = assertThrows(TorchFormatException.class, () -> TorchArchive.open(cut));
        assertMentions(e, cut.toString(), "zip");
    }

    @Test
    void missingStorageEntryNamesTensorAndEntry() throws IOException {
        Path out = tmp.resolve("model_000600.pt");
        try (ZipFile in = new ZipFile(Fixture.modelFile().toFile());
                ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().endsWith("/data/3")) continue;
                zos.putNextEntry(new ZipEntry(e.getName()));
                zos.write(in.getInputStream(e).readAllBytes());
                zos.closeEntry();
            }
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelCheckpointReader.read(out, new ModelConfig(128, 1024, 2, 4, 4, 128)));
        assertMentions(e, "transformer.h.0.attn.c_v.weight", "model_000600/data/3", "missing");
    }

    @Test
    void hostilePickleGlobalIsRefusedBeforeAnythingRuns() throws IOException {
        // protocol 2: GLOBAL os.system, ('echo pwned',), REDUCE, STOP — what a malicious .pt would hold.
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        p.write('X');
        byte[] cmd = "echo pwned".getBytes(StandardCharsets.US_ASCII);
        p.writeBytes(new byte[] {(byte) cmd.length, 0, 0, 0});
        p.writeBytes(cmd);
        p.writeBytes(new byte[] {(byte) 0x85, 'R', '.'});
        Path dir = Files.createDirectories(tmp.resolve("evil"));
        Files.write(dir.resolve("tokenizer.pkl"), p.toByteArray());
        PickleException e =
                assertThrows(PickleException.class, () -> TokenizerReader.readPickle(dir.resolve("tokenizer.pkl")));
        assertMentions(e, "tokenizer.pkl", "os.system", "allow-list");
        // The same inside a checkpoint's data.pkl.
        Path pt = tmp.resolve("model_000001.pt");
        try (ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(pt))) {
            zos.putNextEntry(new ZipEntry("model_000001/data.pkl"));
            zos.write(p.toByteArray());
            zos.closeEntry();
        }
        assertMentions(
                assertThrows(PickleException.class, () -> TorchArchive.open(pt)), "model_000001.pt", "os.system");
    }

    @Test
    void hostileLengthsCannotAllocateBeyondTheFile() {
        // BINUNICODE claiming 2 GiB, BINBYTES8 claiming 2^62 bytes, a memo GET of a never-stored key.
        byte[][] cases = {
            {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a', '.'},
            {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40, '.'},
            {(byte) 0x80, 2, 'j', 0, 0, 0, 0x10, '.'},
            {(byte) 0x80, 2, ']', 'a'},
            {(byte) 0x80, 2, 'N'},
        };
        PickleAllowList none = new PickleAllowList(Map.of(), Set.of(), Set.of());
        for (byte[] c : cases) {
            PickleException e = assertThrows(PickleException.class, () -> PickleReader.load("evil.pkl", c, none, null));
            assertMentions(e, "evil.pkl");
        }
    }
}
