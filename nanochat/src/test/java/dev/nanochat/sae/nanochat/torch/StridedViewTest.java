package dev.nanochat.sae.nanochat.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.nanochat.pickle.PickleWriter;
import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import dev.nanochat.sae.nanochat.pickle.PyPersistentId;
import dev.nanochat.sae.nanochat.pickle.PyReduce;
import dev.nanochat.sae.nanochat.pickle.PyTuple;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors that are views (offset, transposed strides, shared storage), as torch.save keeps them. */
class StridedViewTest {
    private static final PyGlobal OD = new PyGlobal("collections", "OrderedDict");

    @TempDir
    Path tmp;

    /** Writes one storage 0..11 (fp32) and a state dict of views given as (offset, size, stride). */
    private Path archive(Map<String, long[][]> views, String storageClass, long numel) throws Exception {
        Map<Object, Object> items = new LinkedHashMap<>();
        for (Map.Entry<String, long[][]> e : views.entrySet()) {
            PyTuple pid = new PyTuple(List.of("storage", new PyGlobal("torch", storageClass), "0", "cpu", numel));
            PyTuple args = new PyTuple(List.of(
                    new PyPersistentId(pid),
                    e.getValue()[0][0],
                    tuple(e.getValue()[1]),
                    tuple(e.getValue()[2]),
                    false,
                    new PyReduce(OD, new PyTuple(List.of()), null, null)));
            items.put(e.getKey(), new PyReduce(new PyGlobal("torch._utils", "_rebuild_tensor_v2"), args, null, null));
        }
        byte[] pkl = PickleWriter.dumps(new PyReduce(OD, new PyTuple(List.of()), items, null), 2);
        float[] storage = new float[(int) numel];
        for (int i = 0; i < storage.length; i++) storage[i] = i;
        Path file = tmp.resolve("views.pt");
        try (TorchZipWriter zip = TorchZipWriter.create(file)) {
            zip.entry("views/data.pkl", pkl);
            zip.storageEntry("views/data/0", TorchTensor.of(StorageType.FLOAT, new long[] {numel}, storage));
            zip.entry("views/version", "3\n".getBytes());
            zip.commit();
        }
        return file;
    }

    private static PyTuple tuple(long[] v) {
        return new PyTuple(
                java.util.Arrays.stream(v).boxed().map(x -> (Object) x).toList());
    }

    @Test
    void offsetsAndStridesAreHonoured() throws Exception {
        Map<String, long[][]> views = new LinkedHashMap<>();
        views.put("whole", new long[][] {{0}, {3, 4}, {4, 1}});
        views.put("transposed", new long[][] {{0}, {4, 3}, {1, 4}});
        views.put("row2", new long[][] {{8}, {4}, {1}});
        views.put("column1", new long[][] {{1}, {3}, {4}});
        try (TorchArchive a = TorchArchive.open(archive(views, "FloatStorage", 12))) {
            Map<String, TensorRef> refs = a.stateDict();
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, a.floats("whole", refs.get("whole")));
            assertArrayEquals(
                    new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, a.floats("transposed", refs.get("transposed")));
            assertArrayEquals(new float[] {8, 9, 10, 11}, a.floats("row2", refs.get("row2")));
            assertArrayEquals(new float[] {1, 5, 9}, a.floats("column1", refs.get("column1")));
        }
    }

    @Test
    void aViewPastItsStorageIsRefusedNamingTheKey() throws Exception {
        Map<String, long[][]> views = Map.of("too.far", new long[][] {{6}, {2, 4}, {4, 1}});
        try (TorchArchive a = TorchArchive.open(archive(views, "FloatStorage", 12))) {
            TorchFormatException e = assertThrows(
                    TorchFormatException.class,
                    () -> a.floats("too.far", a.stateDict().get("too.far")));
            assertTrue(e.getMessage().contains("'too.far'") && e.getMessage().contains("views.pt"), e.getMessage());
        }
    }

    @Test
    void unsupportedStorageTypeNamesFileAndKey() throws Exception {
        Path file = archive(Map.of("mask", new long[][] {{0}, {12}, {1}}), "BoolStorage", 12);
        try (TorchArchive a = TorchArchive.open(file)) {
            TorchFormatException e = assertThrows(TorchFormatException.class, a::stateDict);
            assertTrue(
                    e.getMessage().contains("'mask'")
                            && e.getMessage().contains("torch.BoolStorage")
                            && e.getMessage().contains("views.pt"),
                    e.getMessage());
        }
    }
}
