package dev.nanochat.sae.nanochat.torch;

import dev.nanochat.sae.nanochat.pickle.PickleAllowList;
import dev.nanochat.sae.nanochat.pickle.PickleException;
import dev.nanochat.sae.nanochat.pickle.PickleReader;
import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import dev.nanochat.sae.nanochat.pickle.PyRepr;
import dev.nanochat.sae.nanochat.pickle.PyTuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a torch.save zip archive (model_*.pt, token_bytes.pt) without torch. Design choices:
 * - `<top>/data.pkl` is unpickled by the safe {@link PickleReader} with an allow-list of exactly the
 *   globals torch.save writes for tensors and state dicts; storages become {@link TensorRef}s.
 * - Storage bytes are read lazily per tensor, so a 2 GB checkpoint never needs to sit in memory
 *   twice; offsets and strides are honoured (views, transposed tensors), bounds are checked.
 * - Every error names the archive and the key (state dict name or storage entry).
 */
public final class TorchArchive implements AutoCloseable {
    private static final long MAX_PICKLE_BYTES = 64L << 20;
    private static final PyGlobal ORDERED_DICT = new PyGlobal("collections", "OrderedDict");
    private static final List<String> UNSUPPORTED_STORAGES = List.of(
            "BoolStorage",
            "ByteStorage",
            "CharStorage",
            "ShortStorage",
            "ComplexFloatStorage",
            "ComplexDoubleStorage",
            "UntypedStorage");
    private static final PyGlobal REBUILD_V2 = new PyGlobal("torch._utils", "_rebuild_tensor_v2");

    private final Path file;
    private final ZipFile zip;
    private final String top;
    private final Object root;

    private TorchArchive(Path file) {
        this.file = file;
        if (!Files.isRegularFile(file)) throw new TorchFormatException(file + ": file not found");
        try {
            this.zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new TorchFormatException(
                    file + ": not a readable zip archive (truncated or corrupt?): " + e.getMessage());
        }
        try {
            this.top = findTop();
            ZipEntry pkl = zip.getEntry(top + "/data.pkl");
            byte[] pickle = readEntry(pkl, MAX_PICKLE_BYTES, "data.pkl");
            this.root = PickleReader.load(file + "!" + pkl.getName(), pickle, allowList(), this::storage);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    public static TorchArchive open(Path file) {
        return new TorchArchive(file);
    }

    public Path file() {
        return file;
    }

    /** The unpickled object: a Map name → TensorRef for a state dict, a TensorRef for one tensor. */
    public Object root() {
        return root;
    }

    /** The root as a state dict (insertion order kept); fails clearly if it is something else. */
    public Map<String, TensorRef> stateDict() {
        if (!(root instanceof Map<?, ?> m))
            throw new TorchFormatException(file + ": expected a state dict, found " + kind(root));
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)
                    || !(supported(String.valueOf(e.getKey()), e.getValue()) instanceof TensorRef t)) {
                throw new TorchFormatException(
                        file + ": state dict entry '" + e.getKey() + "' is not a tensor (" + kind(e.getValue()) + ")");
            }
            out.put(k, t);
        }
        return out;
    }

    /** The root as one tensor (token_bytes.pt). */
    public TensorRef tensor() {
        if (!(supported("<root>", root) instanceof TensorRef t))
            throw new TorchFormatException(file + ": expected a tensor, found " + kind(root));
        return t;
    }

    /** Reads a floating tensor as fp32 (bf16/half converted in Java), row-major in its shape. */
    public float[] floats(String key, TensorRef ref) {
        if (!ref.type().floating())
            throw new TorchFormatException(
                    file + ": tensor '" + key + "' has " + ref.type() + " storage, expected a floating type");
        ByteBuffer buf = storageBytes(key, ref);
        int[] index = viewIndex(key, ref);
        float[] out = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            int e = index[i];
            out[i] = switch (ref.type()) {
                case FLOAT -> buf.getFloat(e * 4);
                case BFLOAT16 -> Bf16.toFloat(buf.getShort(e * 2));
                case HALF -> Bf16.halfToFloat(buf.getShort(e * 2));
                case DOUBLE -> (float) buf.getDouble(e * 8);
                default -> throw new IllegalStateException();
            };
        }
        return out;
    }

    /** Reads an integer tensor (Int, or Long narrowed with a range check). */
    public int[] ints(String key, TensorRef ref) {
        if (ref.type().floating())
            throw new TorchFormatException(
                    file + ": tensor '" + key + "' has " + ref.type() + " storage, expected an integer type");
        ByteBuffer buf = storageBytes(key, ref);
        int[] index = viewIndex(key, ref);
        int[] out = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            if (ref.type() == StorageType.INT) {
                out[i] = buf.getInt(index[i] * 4);
            } else {
                long v = buf.getLong(index[i] * 8);
                if (v != (int) v)
                    throw new TorchFormatException(file + ": tensor '" + key + "' value " + v + " does not fit an int");
                out[i] = (int) v;
            }
        }
        return out;
    }

    private ByteBuffer storageBytes(String key, TensorRef ref) {
        String name = top + "/data/" + ref.storageKey();
        ZipEntry entry = zip.getEntry(name);
        if (entry == null)
            throw new TorchFormatException(file + ": tensor '" + key + "': storage entry '" + name + "' is missing");
        long expected = ref.storageNumel() * ref.type().elementSize();
        byte[] bytes = readEntry(entry, expected, "storage of '" + key + "'");
        if (bytes.length != expected) {
            throw new TorchFormatException(
                    file + ": tensor '" + key + "': storage entry '" + name + "' holds " + bytes.length
                            + " bytes, expected " + expected + " (" + ref.storageNumel() + " × " + ref.type() + ")");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Storage element index of every view element in row-major order, with bounds checked. */
    private int[] viewIndex(String key, TensorRef ref) {
        long[] shape = ref.shape(), stride = ref.stride();
        String where = file + ": tensor '" + key + "' (shape " + Arrays.toString(shape) + ", stride "
                + Arrays.toString(stride) + ", offset " + ref.offset() + ")";
        if (shape.length != stride.length) throw new TorchFormatException(where + ": shape and stride ranks differ");
        long n = ref.numel();
        if (n > Integer.MAX_VALUE - 8) throw new TorchFormatException(where + ": too many elements for one Java array");
        long max = ref.offset();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || stride[d] < 0) throw new TorchFormatException(where + ": negative size or stride");
            if (shape[d] > 0) max += (shape[d] - 1) * stride[d];
        }
        if (n > 0 && (ref.offset() < 0 || max >= ref.storageNumel())) {
            throw new TorchFormatException(
                    where + ": view reaches element " + max + " of a storage of " + ref.storageNumel());
        }
        int[] out = new int[(int) n];
        long[] idx = new long[shape.length];
        for (int i = 0; i < n; i++) {
            long e = ref.offset();
            for (int d = 0; d < shape.length; d++) e += idx[d] * stride[d];
            out[i] = (int) e;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    private String findTop() {
        String found = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (found != null) throw new TorchFormatException(file + ": more than one data.pkl in the archive");
                found = name.substring(0, name.length() - "/data.pkl".length());
            }
        }
        if (found == null)
            throw new TorchFormatException(file + ": no '<name>/data.pkl' entry: not a torch.save archive");
        return found;
    }

    private byte[] readEntry(ZipEntry entry, long maxBytes, String what) {
        long size = entry.getSize();
        if (size < 0 || size > maxBytes || size > Integer.MAX_VALUE - 8) {
            throw new TorchFormatException(file + ": " + what + " entry '" + entry.getName() + "' has size " + size
                    + " (limit " + maxBytes + ")");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] out = in.readNBytes((int) size);
            if (out.length != size)
                throw new TorchFormatException(file + ": entry '" + entry.getName() + "' is truncated");
            return out;
        } catch (IOException e) {
            throw new TorchFormatException(
                    file + ": cannot read entry '" + entry.getName() + "' (truncated or corrupt?): " + e.getMessage());
        }
    }

    /** Persistent id ('storage', torch.XStorage, key, location, numel) → a storage stub. */
    private Object storage(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new PickleException(file + ": unexpected persistent id " + PyRepr.of(pid));
        }
        StorageType type = t.get(1) instanceof PyGlobal g ? StorageType.of(g).orElse(null) : null;
        if (!(t.get(2) instanceof String key) || !(t.get(4) instanceof Long numel) || numel < 0) {
            throw new TorchFormatException(file + ": malformed storage id " + PyRepr.of(pid));
        }
        return new StorageStub(key, type, numel, PyRepr.of(t.get(1)));
    }

    /** type is null for a storage class we know of but cannot convert (error deferred to name the key). */
    private record StorageStub(String key, StorageType type, long numel, String typeName) {}

    private record UnsupportedTensor(String storageKey, String typeName) {}

    private Object supported(String key, Object value) {
        if (value instanceof UnsupportedTensor u) {
            throw new TorchFormatException(file + ": tensor '" + key + "' uses unsupported storage type " + u.typeName()
                    + " (storage key '" + u.storageKey() + "'; supported: Float, BFloat16, Half, Double, Int, Long)");
        }
        return value;
    }

    private PickleAllowList allowList() {
        Map<PyGlobal, Function<PyTuple, Object>> fns = new HashMap<>();
        fns.put(ORDERED_DICT, args -> new LinkedHashMap<>());
        fns.put(REBUILD_V2, this::rebuildTensor);
        Set<PyGlobal> storages = new java.util.HashSet<>();
        for (StorageType t : StorageType.values()) storages.add(t.global());
        // Known torch storages we cannot read: allowed as names only so the error can name the key.
        for (String n : UNSUPPORTED_STORAGES) storages.add(new PyGlobal("torch", n));
        return new PickleAllowList(fns, Set.of(), storages);
    }

    private Object rebuildTensor(PyTuple a) {
        if (a.size() < 5
                || !(a.get(0) instanceof StorageStub s)
                || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof PyTuple size)
                || !(a.get(3) instanceof PyTuple stride)) {
            throw new TorchFormatException(file + ": malformed _rebuild_tensor_v2 arguments " + PyRepr.of(a));
        }
        if (s.type() == null) return new UnsupportedTensor(s.key(), s.typeName());
        return new TensorRef(s.key(), s.type(), s.numel(), offset, longs(size), longs(stride));
    }

    private long[] longs(PyTuple t) {
        long[] out = new long[t.size()];
        List<Object> items = t.items();
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v))
                throw new TorchFormatException(file + ": non-integer size/stride " + PyRepr.of(t));
            out[i] = v;
        }
        return out;
    }

    private static String kind(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private void closeQuietly() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // already failing; the original error is what matters
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
