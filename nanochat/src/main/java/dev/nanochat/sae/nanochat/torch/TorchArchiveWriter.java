package dev.nanochat.sae.nanochat.torch;

import dev.nanochat.sae.nanochat.pickle.PickleWriter;
import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import dev.nanochat.sae.nanochat.pickle.PyPersistentId;
import dev.nanochat.sae.nanochat.pickle.PyReduce;
import dev.nanochat.sae.nanochat.pickle.PyTuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes what torch.save writes for a state dict or a single tensor, byte for byte as the fixture's
 * torch did: `<stem>/data.pkl` (pickle protocol 2 with `_rebuild_tensor_v2` reductions and the
 * OrderedDict `_metadata` of every module prefix), `<stem>/data/<key>` per storage (keys sorted as
 * strings, 64-byte aligned), `<stem>/version` = "3\n". No `byteorder` entry: torch.load then
 * assumes little-endian, which is what we write. The zip layout is {@link TorchZipWriter}'s.
 */
public final class TorchArchiveWriter {
    private static final PyGlobal ORDERED_DICT = new PyGlobal("collections", "OrderedDict");
    private static final PyGlobal REBUILD_V2 = new PyGlobal("torch._utils", "_rebuild_tensor_v2");
    private static final String STORAGE = "storage";
    private static final String CPU = "cpu";
    private static final String VERSION = "version";

    private TorchArchiveWriter() {}

    /** torch.save(OrderedDict(tensors)) — as `model.state_dict()` is saved by nanochat. */
    public static void writeStateDict(Path file, Map<String, TorchTensor> tensors) {
        List<TorchTensor> storages = new ArrayList<>();
        Map<Object, Object> items = new LinkedHashMap<>();
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            items.put(new String(e.getKey()), tensorReduce(e.getValue(), storages));
        }
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put(
                "_metadata",
                new PyReduce(ORDERED_DICT, new PyTuple(List.of()), moduleMetadata(tensors.keySet()), null));
        write(file, new PyReduce(ORDERED_DICT, new PyTuple(List.of()), items, state), storages);
    }

    /** torch.save(tensor) — as nanochat saves token_bytes.pt. */
    public static void writeTensor(Path file, TorchTensor tensor) {
        List<TorchTensor> storages = new ArrayList<>();
        Object root = tensorReduce(tensor, storages);
        write(file, root, storages);
    }

    private static void write(Path file, Object root, List<TorchTensor> storages) {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        byte[] pickle = PickleWriter.dumps(root, 2);
        Map<String, TorchTensor> byKey = new TreeMap<>();
        for (int i = 0; i < storages.size(); i++) byKey.put(String.valueOf(i), storages.get(i));
        try (TorchZipWriter zip = TorchZipWriter.create(file)) {
            zip.entry(stem + "/data.pkl", pickle);
            for (Map.Entry<String, TorchTensor> e : byKey.entrySet())
                zip.storageEntry(stem + "/data/" + e.getKey(), e.getValue());
            zip.entry(stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            zip.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** `_rebuild_tensor_v2(('storage', torch.XStorage, key, 'cpu', numel), 0, size, stride, False, OrderedDict())`. */
    private static PyReduce tensorReduce(TorchTensor t, List<TorchTensor> storages) {
        String key = new String(String.valueOf(storages.size()));
        storages.add(t);
        PyTuple pid = new PyTuple(List.of(STORAGE, t.type().global(), key, CPU, t.numel()));
        long[] shape = t.shape();
        List<Object> size = new ArrayList<>(), stride = new ArrayList<>();
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            size.add(0, shape[d]);
            stride.add(0, s);
            s *= shape[d];
        }
        PyReduce hooks = new PyReduce(ORDERED_DICT, new PyTuple(List.of()), null, null);
        PyTuple args =
                new PyTuple(List.of(new PyPersistentId(pid), 0L, new PyTuple(size), new PyTuple(stride), false, hooks));
        return new PyReduce(REBUILD_V2, args, null, null);
    }

    /** `_metadata`: every module prefix in traversal order (derived from the keys), each {'version': 1}. */
    private static Map<Object, Object> moduleMetadata(Iterable<String> keys) {
        Map<String, Object> modules = new LinkedHashMap<>();
        modules.put("", null);
        for (String k : keys) {
            String[] parts = k.split("\\.");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                if (i > 0) prefix.append('.');
                prefix.append(parts[i]);
                modules.putIfAbsent(prefix.toString(), null);
            }
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        for (String m : modules.keySet()) {
            Map<Object, Object> v = new LinkedHashMap<>();
            v.put(VERSION, 1L);
            out.put(new String(m), v);
        }
        return out;
    }
}
