package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.fuzz.Fuzzer;
import dev.nanochat.sae.nanochat.pickle.PickleAllowList;
import dev.nanochat.sae.nanochat.pickle.PickleException;
import dev.nanochat.sae.nanochat.pickle.PickleReader;
import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import dev.nanochat.sae.nanochat.pickle.PyTuple;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerReader;
import dev.nanochat.sae.nanochat.torch.StorageType;
import dev.nanochat.sae.nanochat.torch.TensorRef;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import dev.nanochat.sae.nanochat.torch.TorchFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of the real nanochat-d2 files (tokenizer.pkl, the model's data.pkl, token_bytes.pt
 * and model_000600.pt): every case ends in the reader's typed error or a fully read result — never
 * another exception, a StackOverflowError, a hang or an allocation beyond the per-case budget.
 */
class ParserFuzzTest {
    @TempDir
    Path tmp;

    /** The readers' own checks throw plain IllegalArgumentException naming the file; accept exactly those. */
    private static boolean namesFile(Throwable t, Path file) {
        return t.getClass() == IllegalArgumentException.class
                && String.valueOf(t.getMessage()).contains(file.toString());
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tokenizerPickle() throws IOException {
        byte[] real = Files.readAllBytes(Fixture.baseDir().resolve("tokenizer/tokenizer.pkl"));
        Path file = tmp.resolve("tokenizer.pkl");
        var r = Fuzzer.named("pickle (tokenizer.pkl)")
                .input(real)
                .seed(16)
                .cases(3000)
                .hotBytes(512)
                .timeoutPerCase(Duration.ofSeconds(5))
                .memoryBudget(16L << 20, 64)
                .typedErrors(PickleException.class)
                .typedErrorIf(t -> namesFile(t, file))
                .run(bytes -> {
                    write(file, bytes);
                    return TokenizerReader.readPickle(file);
                })
                .assertClean();
        assertEquals(3000, r.cases());
    }

    @Test
    void modelDataPickle() throws IOException {
        byte[] real = entry(Fixture.modelFile(), "model_000600/data.pkl");
        Map<PyGlobal, Function<PyTuple, Object>> fns = new HashMap<>();
        fns.put(new PyGlobal("collections", "OrderedDict"), a -> new LinkedHashMap<>());
        fns.put(new PyGlobal("torch._utils", "_rebuild_tensor_v2"), a -> a);
        Set<PyGlobal> storages = new java.util.HashSet<>();
        for (StorageType t : StorageType.values()) storages.add(t.global());
        PickleAllowList allow = new PickleAllowList(fns, Set.of(), storages);
        var r = Fuzzer.named("pickle (model data.pkl + hostile)")
                .input(real)
                .input(HostilePickleTest.selfReferencingList("."))
                .input(HostilePickleTest.sharedTuples(60))
                .seed(16)
                .cases(4000)
                .timeoutPerCase(Duration.ofSeconds(5))
                .memoryBudget(16L << 20, 64)
                .typedErrors(PickleException.class)
                .run(bytes -> PickleReader.load("data.pkl", bytes, allow, pid -> pid))
                .assertClean();
        assertEquals(4000, r.cases());
    }

    /** The model archive with a mutated data.pkl and the real storages: reaches the tensor rebuild checks. */
    @Test
    void torchArchiveWithMutatedPickle() throws IOException {
        Path model = Fixture.modelFile();
        List<ZipEntry> entries = new ArrayList<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(model.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.add(e);
                contents.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        Path file = tmp.resolve("model_000600.pt");
        var r = Fuzzer.named("torch zip (model, mutated data.pkl)")
                .input(contents.get("model_000600/data.pkl"))
                .seed(16)
                .cases(1000)
                .timeoutPerCase(Duration.ofSeconds(10))
                .memoryBudget(64L << 20, 64)
                .typedErrors(TorchFormatException.class, PickleException.class)
                .run(pkl -> {
                    contents.put("model_000600/data.pkl", pkl);
                    writeStoredZip(file, contents);
                    return readFully(file);
                })
                .assertClean();
        assertEquals(1000, r.cases());
    }

    /** Raw byte mutations of the archives themselves (local headers, central directory, sizes). */
    @Test
    void torchArchiveRawBytes() throws IOException {
        byte[] tokenBytes = Files.readAllBytes(Fixture.baseDir().resolve("tokenizer/token_bytes.pt"));
        Path file = tmp.resolve("token_bytes.pt");
        var r = Fuzzer.named("torch zip (token_bytes.pt raw)")
                .input(tokenBytes)
                .seed(16)
                .cases(3000)
                .timeoutPerCase(Duration.ofSeconds(5))
                .memoryBudget(16L << 20, 64)
                .typedErrors(TorchFormatException.class, PickleException.class)
                .run(bytes -> {
                    write(file, bytes);
                    return readFully(file);
                })
                .assertClean();
        assertEquals(3000, r.cases());
    }

    private static Object readFully(Path file) {
        try (TorchArchive a = TorchArchive.open(file)) {
            long n = 0;
            if (a.root() instanceof Map<?, ?>) {
                for (Map.Entry<String, TensorRef> e : a.stateDict().entrySet()) {
                    n += e.getValue().type().floating()
                            ? a.floats(e.getKey(), e.getValue()).length
                            : a.ints(e.getKey(), e.getValue()).length;
                }
            } else {
                TensorRef t = a.tensor();
                n += t.type().floating() ? a.floats("root", t).length : a.ints("root", t).length;
            }
            return n;
        }
    }

    private static byte[] entry(Path zip, String name) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry(name)).readAllBytes();
        }
    }

    /** Uncompressed entries like torch.save writes them. */
    private static void writeStoredZip(Path file, Map<String, byte[]> contents) {
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zos = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : contents.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                zos.putNextEntry(ze);
                zos.write(e.getValue());
                zos.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
