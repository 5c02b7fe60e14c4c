package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.nanochat.pickle.PickleAllowList;
import dev.nanochat.sae.nanochat.pickle.PickleException;
import dev.nanochat.sae.nanochat.pickle.PickleReader;
import dev.nanochat.sae.nanochat.pickle.PyRepr;
import dev.nanochat.sae.nanochat.pickle.PyTuple;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made pickles that no mutation finds by chance: values that contain themselves, nesting
 * thousands deep, and tuples that share one child at every level (2^60 leaves in 300 bytes). Each is a
 * PickleException naming the problem, within a second. Before the fix the self-referencing dict key
 * and persistent id threw StackOverflowError out of the reader (hashCode, an error message's
 * toString), and the others returned values whose hashCode/toString never end.
 */
class HostilePickleTest {
    private static final PickleAllowList NONE = new PickleAllowList(Map.of(), Set.of(), Set.of());

    @TempDir
    Path tmp;

    /** protocol 2: [] memoised as 0, then appended to itself. */
    static byte[] selfReferencingList(String tail) {
        return ("\u0080\u0002]q\u0000h\u0000a" + tail).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** t0 = (); t(i) = (t(i-1), t(i-1)) memoised as i: 2^levels leaves, 8 bytes per level. */
    static byte[] sharedTuples(int levels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, ')', 'q', 0, '0'});
        for (int i = 1; i <= levels; i++) {
            out.writeBytes(new byte[] {'h', (byte) (i - 1), 'h', (byte) (i - 1), (byte) 0x86, 'q', (byte) i, '0'});
        }
        out.writeBytes(new byte[] {'h', (byte) levels});
        return out.toByteArray();
    }

    private static PickleException refused(byte[] pickle) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(2),
                () -> assertThrows(PickleException.class, () -> PickleReader.load("hostile.pkl", pickle, NONE, null)));
    }

    @Test
    void selfReferencingRootIsRefused() {
        assertTrue(refused(selfReferencingList(".")).getMessage().contains("self-referencing"));
    }

    @Test
    void selfReferencingDictKeyIsUnhashable() {
        // {} then the list, wrapped in a 1-tuple, used as a key: hashing it recursed forever.
        byte[] p = ("\u0080\u0002}" + "]q\u0000h\u0000a" + "\u0085Ns.")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(refused(p).getMessage().contains("unhashable dict key"));
    }

    @Test
    void deepNestingIsRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2});
        for (int i = 0; i < 20_000; i++) out.write(']');
        for (int i = 1; i < 20_000; i++) out.write('a');
        out.write('.');
        assertTrue(refused(out.toByteArray()).getMessage().contains("nested deeper"));
    }

    @Test
    void exponentialKeyIsRefusedAndExponentialValueStaysCheap() {
        byte[] tuples = sharedTuples(60);
        byte[] asKey = concat(
                concat(new byte[] {(byte) 0x80, 2, '}'}, java.util.Arrays.copyOfRange(tuples, 2, tuples.length)),
                new byte[] {'N', 's', '.'});
        String message = refused(asKey).getMessage();
        assertTrue(message.contains("more than 4096 items"), message);

        Object root = assertTimeoutPreemptively(
                Duration.ofSeconds(2),
                () -> PickleReader.load("dag.pkl", concat(tuples, new byte[] {'.'}), NONE, null));
        assertEquals(2, ((PyTuple) root).size());
        assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(1), () -> PyRepr.of(root))
                        .length()
                <= 201);
    }

    @Test
    void selfReferencingPersistentIdInATorchArchive() throws IOException {
        Path file = tmp.resolve("model.pt");
        try (ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(file))) {
            zos.putNextEntry(new ZipEntry("model/data.pkl"));
            zos.write(selfReferencingList("Q."));
            zos.closeEntry();
        }
        PickleException e = assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertThrows(PickleException.class, () -> TorchArchive.open(file)));
        assertTrue(e.getMessage().contains("unexpected persistent id"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
